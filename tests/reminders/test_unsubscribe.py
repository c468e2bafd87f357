"""The one-click unsubscribe link and header: signed, no log-in needed, unforgeable."""

import email
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from progress.models import Enrolment
from reminders.tokens import unsubscribe_token_for
from tests.reminders.conftest import RUN, run_reminders


def unsubscribe_link(message) -> str:
    return re.search(r"Unsubscribe in one click: (\S+)", message.body).group(1)


@pytest.fixture
def message(enrol):
    with freeze_time(RUN):
        enrol("ada")
        run_reminders()
    [message] = mail.outbox
    return message


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def test_every_e_mail_has_the_one_click_headers_pointing_at_its_link(message):
    link = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{link}"' in message.alternatives[0].content
    sent = email.message_from_string(message.message().as_string())
    assert "".join(sent["List-Unsubscribe"].split()) == f"<{link}>"  # folded, URL intact


def test_the_link_asks_for_confirmation_then_turns_reminders_off(client, message):
    path = path_of(unsubscribe_link(message))
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop reminder e-mails?" in page.content.decode()
    assert "a•••@example.com" in page.content.decode()
    assert Enrolment.objects.get().reminder_cadence == "weekly"  # a link scanner's GET changes nothing

    done = client.post(path)
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert Enrolment.objects.get().reminder_cadence == "off"


def test_the_mail_clients_one_click_post_needs_no_csrf_token_nor_log_in(message):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        path_of(unsubscribe_link(message)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Enrolment.objects.get().reminder_cadence == "off"


def test_unsubscribed_learners_get_no_more_reminders(client, message):
    client.post(path_of(unsubscribe_link(message)))
    mail.outbox.clear()
    with freeze_time(RUN.replace(day=7, month=12)):
        assert run_reminders(RUN.replace(day=7, month=12)) == 0


def test_unsubscribing_twice_is_fine(client, message):
    path = path_of(unsubscribe_link(message))
    client.post(path)
    assert client.post(path).status_code == 200
    assert Enrolment.objects.get().reminder_cadence == "off"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="signature changed"),
        pytest.param(lambda token: token.split(":")[0], id="signature removed"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(lambda token: "%3A%3A" + token, id="extra separators"),
    ],
)
def test_a_tampered_link_shows_a_clear_400_page_and_changes_nothing(client, message, tamper):
    token = unsubscribe_link(message).rstrip("/").rsplit("/", 1)[1]
    for method in (client.get, client.post):
        response = method(reverse("reminders:unsubscribe", args=[tamper(token)]))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert Enrolment.objects.get().reminder_cadence == "weekly"


def test_a_link_cannot_be_forged_for_another_learner(client, enrol, message):
    other = enrol("bob")
    mine = unsubscribe_link(message).rstrip("/").rsplit("/", 1)[1]
    forged = f"{other.pk}:{mine.split(':', 1)[1]}"
    assert client.post(reverse("reminders:unsubscribe", args=[forged])).status_code == 400
    assert Enrolment.objects.get(pk=other.pk).reminder_cadence == "weekly"


def test_a_valid_link_for_a_deleted_enrolment_says_so(client, enrol):
    enrolment = enrol("ada")
    token = unsubscribe_token_for(enrolment_id=enrolment.pk)
    enrolment.delete()
    response = client.get(reverse("reminders:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


def test_other_methods_are_refused_not_crashed(client, enrol):
    token = unsubscribe_token_for(enrolment_id=enrol("ada").pk)
    assert client.put(reverse("reminders:unsubscribe", args=[token])).status_code == 405
