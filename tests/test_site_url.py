"""Absolute links (e-mails, the calendar feed) come from settings.SITE_URL; e-mails name the site."""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time
from icalendar import Calendar

from curriculum.models import Week
from mentoring.services import feedback_create, mentees_assign, mentor_digest_send
from progress.services import enrolment_create
from tests.outbox import outbox_sent_here
from tests.reminders.conftest import RUN, make_enrolment, run_reminders

SITE = "https://learn.example.org"
START = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Example Learning"


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


@pytest.fixture
def enrolment(learner, mentor):
    with freeze_time(START):
        enrolment = enrolment_create(learner=learner, start_date=START)
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    enrolment.refresh_from_db()
    return enrolment


@pytest.mark.django_db
def test_the_calendar_feed_and_its_events_link_to_the_site(client, learner, enrolment):
    client.force_login(learner)
    page = client.get(reverse("progress:settings")).content.decode()
    feed_path = reverse("progress:calendar-feed", args=[enrolment.calendar_token])
    assert f'value="{SITE}{feed_path}"' in page

    feed = Calendar.from_ical(client.get(feed_path).content)
    events = feed.walk("VEVENT")
    assert len(events) == 52
    assert str(events[0]["url"]) == f"{SITE}/my/weeks/1/"
    assert all(str(event["uid"]).endswith("@learn.example.org") for event in events)
    assert all(link.startswith(SITE) for event in events for link in links(str(event["description"])))


@pytest.mark.django_db
def test_the_api_gives_the_calendar_link_on_the_site(client, learner, enrolment):
    client.force_login(learner)
    data = client.get("/api/v1/me/enrolment/").json()
    assert data["calendar_url"] == SITE + reverse("progress:calendar-feed", args=[enrolment.calendar_token])


@pytest.mark.django_db
def test_the_feedback_email_links_to_the_week_on_the_site(
    enrolment, mentor, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_create(author=mentor, enrolment=enrolment, week=Week.objects.get(number=1), body="Nice.")
    [message] = mail.outbox
    assert f"{SITE}/my/weeks/1/" in message.body
    assert all(link.startswith(SITE) for link in links(message.body))
    assert message.subject == "[Example Learning] Feedback from your mentor on week 1"


@pytest.mark.django_db
def test_the_digest_links_to_the_mentees_page_on_the_site(enrolment, mentor):
    with freeze_time("2026-12-14 07:00"), outbox_sent_here():
        assert mentor_digest_send(mentor_id=mentor.pk, today=date(2026, 12, 14))
    [message] = mail.outbox
    assert message.subject.startswith("[Example Learning] Your mentees this week")
    for part in (message.body, message.alternatives[0].content):
        assert f"{SITE}/mentoring/" in part
        assert all(link.startswith(SITE) for link in links(part))


@pytest.mark.django_db
@freeze_time(RUN)
def test_reminders_link_to_the_site():
    make_enrolment("ada")
    run_reminders()
    [message] = mail.outbox
    assert message.subject.startswith("[Example Learning] ")
    for part in (message.body, message.alternatives[0].content, message.extra_headers["List-Unsubscribe"]):
        assert links(part)
        assert all(link.startswith(SITE) for link in links(part))


@pytest.mark.django_db
def test_account_emails_name_the_site_and_link_to_the_host_asked(client):
    with outbox_sent_here():  # the address confirmation goes through the outbox
        client.post(
            reverse("account_signup"),
            {
                "email": "new@example.com",
                "password1": "a-long-unusual-pass",
                "password2": "a-long-unusual-pass",
            },
        )
    [message] = mail.outbox
    assert message.subject.startswith("[Example Learning] ")
    assert "example.com]" not in message.subject
    assert "Hello from Example Learning!" in message.body
    assert "learn.example.org" in message.body  # the site's domain signs the message


@pytest.mark.django_db
def test_the_settings_page_offers_a_webcal_link_and_a_copy_button(client, learner, enrolment):
    client.force_login(learner)
    page = client.get(reverse("progress:settings")).content.decode()
    feed_path = reverse("progress:calendar-feed", args=[enrolment.calendar_token])
    assert f'href="webcal://learn.example.org{feed_path}"' in page
    assert 'data-copy="feed-url"' in page


@pytest.mark.django_db
@freeze_time(RUN)
def test_reminders_greet_the_learner_by_the_name_they_gave_never_by_their_address():
    named = make_enrolment("ada")
    named.learner.name, named.learner.first_name = "Ada L.", ""
    named.learner.save()
    unnamed = make_enrolment("bob")
    unnamed.learner.first_name = ""
    unnamed.learner.save()
    run_reminders()
    greetings = {message.to[0]: message.body.splitlines()[0] for message in mail.outbox}
    assert greetings[named.learner.email] == "Hello Ada L.,"
    assert greetings[unnamed.learner.email] == "Hello there,"
