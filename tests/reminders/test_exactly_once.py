"""Exactly once per learner-week: reruns, duplicated beats, concurrent batches, retries, dead workers."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from freezegun import freeze_time

from reminders.models import ReminderLog
from reminders.selectors import reminders_due
from reminders.services import reminder_batch_send, reminder_logs_claim
from reminders.tasks import send_reminder_batch, send_weekly_reminders
from tests.flaky_backend import FlakyBackend
from tests.reminders.conftest import RUN, make_enrolment, run_reminders

FLAKY = "tests.flaky_backend.FlakyBackend"


@freeze_time(RUN)
def test_two_runs_send_one_e_mail_each(enrol):
    enrol("ada")
    enrol("bob", completed=[1])
    assert run_reminders() == 2
    assert run_reminders() == 0
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.com", "bob@example.com"]
    assert ReminderLog.objects.filter(status="sent", attempts=1).count() == 2


def test_next_week_brings_the_next_reminder(enrol):
    with freeze_time(RUN):
        enrol("ada", completed=range(1, 6))
        run_reminders()
    with freeze_time(RUN + timedelta(weeks=1)):
        run_reminders(RUN + timedelta(weeks=1))
        run_reminders(RUN + timedelta(weeks=1))
    assert [message.subject.split(":")[0] for message in mail.outbox] == ["Week 5", "Week 6"]


@freeze_time(RUN)
def test_a_duplicated_beat_sends_nothing_more(enrol, eager_celery):
    enrol("ada")
    assert send_weekly_reminders.delay().get() == 1
    assert send_weekly_reminders.delay().get() == 1
    assert len(mail.outbox) == 1


@freeze_time(RUN)
def test_claiming_twice_gives_the_reminder_to_the_first_claim_only(enrol):
    enrolment = enrol("ada")
    due = reminders_due(enrolment_ids=[enrolment.pk], as_of=RUN)
    first = reminder_logs_claim(due=due)
    second = reminder_logs_claim(due=due)
    assert list(first) == [enrolment.pk]
    assert second == {}
    assert ReminderLog.objects.get().status == "sending"


@freeze_time(RUN)
def test_a_claim_left_by_a_dead_worker_is_taken_over_once_stale(enrol):
    enrolment = enrol("ada")
    reminder_logs_claim(due=reminders_due(enrolment_ids=[enrolment.pk], as_of=RUN))  # then the worker died
    assert run_reminders() == 0  # a live worker may still be sending it
    with freeze_time(RUN + timedelta(minutes=11)):
        assert run_reminders() == 1
    log = ReminderLog.objects.get()
    assert (log.status, log.attempts) == ("sent", 2)


@freeze_time(RUN)
def test_a_failed_send_is_recorded_and_only_the_unsent_are_sent_again(enrol, settings):
    ids = [enrol(name).pk for name in ("ada", "bob", "cleo")]
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset(fail_at=2)
    with pytest.raises(OSError, match="unexpectedly closed"):
        reminder_batch_send(enrolment_ids=ids, as_of=RUN)
    rows = {
        log.enrolment.learner.username: log
        for log in ReminderLog.objects.select_related("enrolment__learner")
    }
    assert [rows[name].status for name in ("ada", "bob", "cleo")] == ["sent", "failed", "pending"]
    assert "SMTPServerDisconnected" in rows["bob"].last_error
    assert [rows[name].attempts for name in ("ada", "bob", "cleo")] == [1, 1, 0]

    assert reminder_batch_send(enrolment_ids=ids, as_of=RUN).sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"{n}@example.com" for n in ("ada", "bob", "cleo")
    ]
    bob = ReminderLog.objects.get(enrolment__learner__username="bob")
    assert (bob.status, bob.attempts, bob.last_error) == ("sent", 2, "")


@freeze_time(RUN)
def test_the_batch_task_retries_mail_server_errors_with_backoff(enrol, settings):
    ids = [enrol(name).pk for name in ("ada", "bob")]
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset(fail_at=1)
    result = send_reminder_batch.apply(args=[ids, RUN.isoformat()], throw=False)  # eager: retries inline
    assert result.get() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.com", "bob@example.com"]
    assert ReminderLog.objects.get(enrolment__learner__username="ada").attempts == 2
    assert ReminderLog.objects.get(enrolment__learner__username="bob").attempts == 1
    assert send_reminder_batch.retry_backoff is True
    assert send_reminder_batch.max_retries == 5


@freeze_time(RUN)
def test_a_batch_that_waited_in_a_queue_for_days_sends_nothing(enrol):
    enrolment = enrol("ada")
    assert send_reminder_batch([enrolment.pk], (RUN - timedelta(days=3)).isoformat()) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_exactly_one_e_mail_per_learner(curriculum_tx):
    with freeze_time(RUN):
        ids = [make_enrolment(f"learner{n}", completed=range(1, 5 - n % 3)).pk for n in range(30)]
        start = threading.Barrier(2)
        sent: list[int] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                start.wait()
                sent.append(reminder_batch_send(enrolment_ids=ids, as_of=RUN).sent)
            except BaseException as error:  # reported below, not lost in the thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert sum(sent) == 30
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 30
    assert ReminderLog.objects.filter(status="sent").count() == 30
