"""The weekly mentor digest: at-risk learners with reasons, once per mentor per week."""

from datetime import date, datetime

import pytest
from django.core import mail
from freezegun import freeze_time

from mentoring.models import MentorDigestLog
from mentoring.services import mentor_digest_send
from mentoring.tasks import send_mentor_digest, send_mentor_digests
from tests.factories import UserFactory
from tests.mentoring.conftest import enrol


@pytest.fixture
def at_risk(mentor, other_mentor, frozen_today):
    enrol(UserFactory(username="late"), mentor=mentor, start=date(2026, 10, 26))
    enrol(UserFactory(username="fine"), mentor=mentor, start=date(2026, 11, 23))
    enrol(UserFactory(username="other"), mentor=other_mentor, start=date(2026, 11, 23), active_days_ago=30)


@pytest.mark.django_db
def test_each_mentor_gets_their_at_risk_learners_with_the_reason(mentor, other_mentor, at_risk, celery_eager):
    assert send_mentor_digests() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {mentor.email, other_mentor.email}
    mine = by_recipient[mentor.email].body
    assert "late@example.com" in mine
    assert "4 weeks overdue" in mine
    assert "fine@example.com" not in mine
    assert "no activity for 30 days" in by_recipient[other_mentor.email].body
    assert by_recipient[mentor.email].alternatives


@pytest.mark.django_db
def test_the_digest_is_sent_once_per_mentor_per_week_even_when_the_task_runs_twice(
    mentor, at_risk, celery_eager
):
    send_mentor_digests()
    send_mentor_digests()
    send_mentor_digest(mentor.pk, "2026-11-24")
    assert len([m for m in mail.outbox if m.to == [mentor.email]]) == 1
    assert MentorDigestLog.objects.get(mentor=mentor).status == MentorDigestLog.Status.SENT
    with freeze_time("2026-12-01 12:00"):
        send_mentor_digests()
    assert len([m for m in mail.outbox if m.to == [mentor.email]]) == 2


@pytest.mark.django_db
def test_a_digest_claimed_by_a_worker_that_died_is_sent_later_once(mentor, at_risk, celery_eager):
    MentorDigestLog.objects.create(mentor=mentor, week_starting=date(2026, 11, 23), attempts=1)
    send_mentor_digest(mentor.pk, "2026-11-24")
    assert not [m for m in mail.outbox if m.to == [mentor.email]]  # another worker may still be sending
    with freeze_time(datetime(2026, 11, 24, 12, 20)):
        send_mentor_digest(mentor.pk, "2026-11-24")
        send_mentor_digest(mentor.pk, "2026-11-24")
    assert len([m for m in mail.outbox if m.to == [mentor.email]]) == 1
    assert MentorDigestLog.objects.get(mentor=mentor).attempts == 2


@pytest.mark.django_db
def test_a_failed_send_is_recorded_and_retried(mentor, at_risk, celery_eager, settings, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, *args, **kwargs):
        raise ConnectionError("SMTP server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(ConnectionError):
        mentor_digest_send(mentor_id=mentor.pk, today=date(2026, 11, 24))
    assert ConnectionError in send_mentor_digest.autoretry_for  # Celery retries it with backoff
    log = MentorDigestLog.objects.get(mentor=mentor)
    assert log.status == MentorDigestLog.Status.FAILED
    assert "SMTP server down" in log.last_error
    monkeypatch.undo()
    send_mentor_digest(mentor.pk, "2026-11-24")
    log.refresh_from_db()
    assert log.status == MentorDigestLog.Status.SENT
