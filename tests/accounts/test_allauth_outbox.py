"""Every e-mail allauth sends goes through the outbox (accounts.adapter); one whose body is a credential
(a password-reset link) is sent like any other, retried like any other, and its body is cleared as soon
as the mail server accepted it and never shown in admin."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Email
from notifications.outbox import SECRET_SENT, emails_send
from tests.flaky_backend import FlakyBackend
from tests.outbox import outbox_sent_here

RESET_LINK = re.compile(r"https?://[^/]+(/accounts/password/reset/key/\S+/)")


def request_reset(client, address: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_reset_password"), {"email": address})


@pytest.mark.django_db
def test_a_reset_request_puts_one_secret_row_for_that_address_and_sends_nothing_itself(client, learner):
    request_reset(client, learner.email)

    row = Email.objects.get()
    assert (row.to, row.recipient_id, row.kind, row.holds_secret) == (
        learner.email, learner.pk, "account_password_reset_key", True,
    )  # fmt: skip
    assert RESET_LINK.search(row.text)
    assert mail.outbox == []  # sent by the outbox's task after the commit, not by the request


@pytest.mark.django_db
def test_the_sent_reset_e_mail_carries_a_working_link_and_the_row_keeps_no_link(client, learner):
    with outbox_sent_here():
        request_reset(client, learner.email)

    (message,) = mail.outbox
    link = RESET_LINK.search(message.body).group(1)
    row = Email.objects.get()
    assert (row.status, row.text, row.html) == ("sent", SECRET_SENT, "")
    assert link not in row.text
    form_url = client.get(link).url
    new = {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    assert client.post(form_url, new).status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a-brand-new-passphrase")


@pytest.mark.django_db
def test_a_failed_send_keeps_the_body_for_the_retry_which_then_clears_it(client, learner, settings):
    request_reset(client, learner.email)
    row = Email.objects.get()
    link = RESET_LINK.search(row.text).group(1)
    settings.EMAIL_BACKEND = "tests.flaky_backend.FlakyBackend"
    FlakyBackend.reset(fail_at=1)

    with pytest.raises(OSError, match="unexpectedly closed"):
        emails_send(email_ids=[row.pk])
    row.refresh_from_db()
    assert row.status == "failed"
    assert link in row.text

    assert emails_send(email_ids=[row.pk]).sent == 1
    assert link in mail.outbox[-1].body
    row.refresh_from_db()
    assert (row.status, row.text) == ("sent", SECRET_SENT)


@pytest.mark.django_db
def test_a_second_reset_request_inside_the_rate_limit_adds_no_row(client, learner):
    assert request_reset(client, learner.email).status_code == 302
    assert request_reset(client, learner.email).status_code == 429
    assert request_reset(client, learner.email.upper()).status_code == 429
    assert Email.objects.filter(to__iexact=learner.email).count() == 1


@pytest.mark.django_db
def test_admin_never_shows_a_secret_body(client, learner, staff):
    request_reset(client, learner.email)
    row = Email.objects.get()
    link = RESET_LINK.search(row.text).group(1)
    client.force_login(staff)

    page = client.get(reverse("admin:notifications_email_change", args=[row.pk])).content.decode()

    assert link not in page
    assert "holds a credential" in page


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_goes_through_the_outbox_without_a_recipient(client):
    with outbox_sent_here():
        request_reset(client, "nobody@example.com")

    row = Email.objects.get()
    assert (row.to, row.recipient_id, row.kind, row.holds_secret, row.status) == (
        "nobody@example.com", None, "account_unknown_account", False, "sent",
    )  # fmt: skip
    assert mail.outbox[0].to == ["nobody@example.com"]


@pytest.mark.django_db
def test_allauths_notices_name_their_user_and_keep_their_body(client, learner, settings):
    from tests.factories import PASSWORD

    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True  # (off here by default, as in allauth)
    client.force_login(learner)
    with outbox_sent_here():
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "a-brand-new-passphrase",
                "password2": "a-brand-new-passphrase",
            },
        )
    assert response.status_code == 302
    row = Email.objects.get()
    assert (row.recipient_id, row.kind, row.holds_secret, row.status) == (
        learner.pk, "account_password_changed", False, "sent",
    )  # fmt: skip
    assert row.text == mail.outbox[0].body
