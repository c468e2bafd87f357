"""The weekly mentor digest: at-risk learners with reasons, once per mentor per week (the outbox key)."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from mentoring.services import mentor_digest_send
from mentoring.tasks import send_mentor_digest, send_mentor_digests
from notifications.models import Email
from notifications.outbox import emails_claim, emails_send
from notifications.tasks import sweep_emails
from tests.factories import UserFactory
from tests.flaky_backend import FlakyBackend
from tests.mentoring.conftest import enrol
from tests.outbox import outbox_sent_here


@pytest.fixture
def at_risk(mentor, other_mentor, frozen_today):
    enrol(UserFactory(username="late", name="Lena Late"), mentor=mentor, start=date(2026, 10, 26))
    enrol(UserFactory(username="fine", name="Finn Fine"), mentor=mentor, start=date(2026, 11, 23))
    enrol(UserFactory(username="other"), mentor=other_mentor, start=date(2026, 11, 23), active_days_ago=30)


def digests_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.mark.django_db
def test_each_mentor_gets_their_at_risk_learners_with_the_reason(mentor, other_mentor, at_risk):
    with outbox_sent_here():
        assert send_mentor_digests() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {mentor.email, other_mentor.email}
    mine = by_recipient[mentor.email].body
    assert "Lena Late" in mine
    assert "4 weeks overdue" in mine
    assert "Finn Fine" not in mine
    assert "@example.com" not in mine  # nobody named by their address
    assert "no activity for 30 days" in by_recipient[other_mentor.email].body
    assert by_recipient[mentor.email].alternatives


@pytest.mark.django_db
def test_the_digest_is_sent_once_per_mentor_per_week_even_when_the_task_runs_twice(mentor, at_risk):
    with outbox_sent_here():
        send_mentor_digests()
        send_mentor_digests()
        assert send_mentor_digest(mentor.pk, "2026-11-24") is False  # not even composed again
    assert len(digests_to(mentor)) == 1
    digest = Email.objects.get(recipient=mentor)
    assert (digest.key, digest.kind, digest.status) == (
        f"digest:{mentor.pk}:2026-11-23",
        "mentor_digest",
        "sent",
    )
    with freeze_time("2026-12-01 12:00"), outbox_sent_here():
        send_mentor_digests()
    assert len(digests_to(mentor)) == 2


@pytest.mark.django_db
def test_a_digest_claimed_by_a_worker_that_died_is_sent_later_once(mentor, at_risk, settings):
    settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS = 600
    assert mentor_digest_send(mentor_id=mentor.pk, today=date(2026, 11, 24))  # enqueued, not sent yet
    digest = Email.objects.get(recipient=mentor)
    emails_claim(email_ids=[digest.pk])  # then the worker died
    with outbox_sent_here():
        assert send_mentor_digest(mentor.pk, "2026-11-24") is False
        assert sweep_emails() == 0  # another worker may still be sending it
    assert not digests_to(mentor)
    with freeze_time(datetime(2026, 11, 24, 12, 0) + timedelta(minutes=11)), outbox_sent_here():
        assert sweep_emails() == 1
        assert sweep_emails() == 0
    assert len(digests_to(mentor)) == 1
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == ("sent", 2)


@pytest.mark.django_db
def test_a_failed_send_is_recorded_and_retried(mentor, at_risk, settings):
    mentor_digest_send(mentor_id=mentor.pk, today=date(2026, 11, 24))
    digest = Email.objects.get(recipient=mentor)
    settings.EMAIL_BACKEND = "tests.flaky_backend.FlakyBackend"
    FlakyBackend.reset(fail_at=1)
    with pytest.raises(OSError, match="unexpectedly closed"):
        emails_send(email_ids=[digest.pk])
    digest.refresh_from_db()
    assert digest.status == "failed"
    assert "SMTPServerDisconnected" in digest.last_error
    assert emails_send(email_ids=[digest.pk]).sent == 1
    digest.refresh_from_db()
    assert (digest.status, digest.attempts, digest.last_error) == ("sent", 2, "")
    assert len(digests_to(mentor)) == 1
