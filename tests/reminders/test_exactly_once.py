"""Exactly once per learner-week, through the outbox: reruns, duplicated beats, concurrent batches,
retries, dead workers. (The outbox on its own: tests/notifications/test_outbox.py.)"""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from freezegun import freeze_time

from accounts.models import User
from notifications.models import Email, Notice
from notifications.outbox import emails_claim, emails_send
from notifications.tasks import send_emails, sweep_emails
from progress.models import Standing
from reminders.services import reminder_batch_enqueue
from reminders.tasks import send_reminder_batch, send_weekly_reminders
from tests.flaky_backend import FlakyBackend
from tests.outbox import outbox_sent_here
from tests.reminders.conftest import RUN, make_enrolment, run_reminders

FLAKY = "tests.flaky_backend.FlakyBackend"


def reminder_rows() -> dict[str, Email]:
    return {email.recipient.username: email for email in Email.objects.select_related("recipient")}


@freeze_time(RUN)
def test_two_runs_send_one_e_mail_each(enrol):
    ada = enrol("ada")
    enrol("bob", completed=[1])
    assert run_reminders() == 2
    assert run_reminders() == 0
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.com", "bob@example.com"]
    rows = reminder_rows()
    assert {(row.kind, row.status, row.attempts) for row in rows.values()} == {
        ("reminder_weekly", "sent", 1),
        ("reminder_behind", "sent", 1),
    }
    assert rows["ada"].key == f"reminder:{ada.pk}:5:weekly"


def test_next_week_brings_the_next_reminder(enrol):
    with freeze_time(RUN):
        enrol("ada", completed=range(1, 6))
        run_reminders()
    with freeze_time(RUN + timedelta(weeks=1)):
        run_reminders(RUN + timedelta(weeks=1))
        run_reminders(RUN + timedelta(weeks=1))
    subjects = [message.subject.removeprefix("[AI/ML Curriculum] ") for message in mail.outbox]
    assert [subject.split(":")[0] for subject in subjects] == ["Week 5", "Week 6"]


@freeze_time(RUN)
def test_a_duplicated_beat_sends_nothing_more(enrol):
    enrolment = enrol("ada")

    def ada_enrolment_id() -> int:
        User.objects.filter(pk=enrolment.learner_id).update(reminder_due_at=None)  # as if not moved on
        return enrolment.pk

    with outbox_sent_here():
        assert send_weekly_reminders.delay().get() == 1
        assert send_weekly_reminders.delay().get() == 0  # ada's next time is next week's
        # and a beat that read ada as due before the first moved her on: its batch sends nothing
        assert send_reminder_batch.delay([ada_enrolment_id()], RUN.isoformat()).get() == 0
    assert len(mail.outbox) == 1
    assert Email.objects.count() == 1


@freeze_time(RUN)
def test_a_rerun_neither_composes_nor_enqueues_what_the_outbox_has(enrol, django_assert_num_queries):
    enrolment = enrol("ada")
    assert reminder_batch_enqueue(enrolment_ids=[enrolment.pk], as_of=RUN).enqueued == 1
    with django_assert_num_queries(2):  # the standings say who is due and for which week; the key is found
        assert reminder_batch_enqueue(enrolment_ids=[enrolment.pk], as_of=RUN).enqueued == 0
    assert Email.objects.get().status == "queued"


@freeze_time(RUN)
def test_a_reminder_claimed_by_a_worker_that_died_is_sent_once_the_claim_is_stale(enrol, settings):
    settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS = 600
    enrolment = enrol("ada")
    reminder_batch_enqueue(enrolment_ids=[enrolment.pk], as_of=RUN)
    email = Email.objects.get()
    emails_claim(email_ids=[email.pk])  # then the worker died
    assert run_reminders() == 0  # already in the outbox
    assert emails_send(email_ids=[email.pk]).sent == 0  # a live worker may still be sending it
    with outbox_sent_here():
        assert sweep_emails() == 0
    with freeze_time(RUN + timedelta(minutes=11)), outbox_sent_here():
        assert sweep_emails() == 1
        assert sweep_emails() == 0
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


@freeze_time(RUN)
def test_a_failed_send_is_recorded_and_only_the_unsent_are_sent_again(enrol, settings):
    ids = [enrol(name).pk for name in ("ada", "bob", "cleo")]
    reminder_batch_enqueue(enrolment_ids=ids, as_of=RUN)  # the sending task is not run yet
    email_ids = list(Email.objects.order_by("recipient__username").values_list("id", flat=True))
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset(fail_at=2)
    with pytest.raises(OSError, match="unexpectedly closed"):
        emails_send(email_ids=email_ids)
    rows = reminder_rows()
    assert [rows[name].status for name in ("ada", "bob", "cleo")] == ["sent", "failed", "queued"]
    assert "SMTPServerDisconnected" in rows["bob"].last_error
    assert [rows[name].attempts for name in ("ada", "bob", "cleo")] == [1, 1, 0]

    assert run_reminders() == 0  # the reminders are in the outbox: the outbox sends the rest
    assert emails_send(email_ids=email_ids).sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"{n}@example.com" for n in ("ada", "bob", "cleo")
    ]
    bob = reminder_rows()["bob"]
    assert (bob.status, bob.attempts, bob.last_error) == ("sent", 2, "")


@freeze_time(RUN)
def test_mail_server_errors_are_retried_by_the_outbox_task(enrol, settings):
    ids = [enrol(name).pk for name in ("ada", "bob")]
    reminder_batch_enqueue(enrolment_ids=ids, as_of=RUN)
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset(fail_at=1)
    email_ids = list(Email.objects.order_by("recipient__username").values_list("id", flat=True))
    result = send_emails.apply(args=[email_ids], throw=False)  # fails on ada's e-mail, retries (eagerly)
    assert result.get() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.com", "bob@example.com"]
    rows = reminder_rows()
    assert (rows["ada"].status, rows["ada"].attempts) == ("sent", 2)
    assert (rows["bob"].status, rows["bob"].attempts) == ("sent", 1)


@freeze_time(RUN)
def test_a_batch_that_waited_in_a_queue_for_days_sends_nothing(enrol):
    enrolment = enrol("ada")
    with outbox_sent_here():
        assert send_reminder_batch([enrolment.pk], (RUN - timedelta(days=3)).isoformat()) == 0
    assert mail.outbox == []
    assert not Email.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_exactly_one_e_mail_per_learner(curriculum_tx, celery_eager):
    with freeze_time(RUN):
        ids = [make_enrolment(f"learner{n}", completed=range(1, 5 - n % 3)).pk for n in range(30)]
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                start.wait()
                reminder_batch_enqueue(enrolment_ids=ids, as_of=RUN)  # and send: autocommit, eager
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
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 30
    assert Email.objects.filter(status="sent", attempts=1).count() == 30


def test_a_standing_whose_change_has_come_does_not_name_the_reminder_key(db):
    """A standing not refreshed since the learner's week changed still names last week: the reminder of
    last week, already sent, must not hide this week's (the key comes from the built schedule)."""
    last_week = RUN - timedelta(weeks=1)
    enrolment = make_enrolment("stale", completed=range(1, 4), now=last_week)  # stored: week 4, due to change
    standing = Standing.objects.get(enrolment=enrolment)
    assert (standing.current_week, standing.refresh_due_at <= RUN) == (4, True)
    with TestCase.captureOnCommitCallbacks(execute=True), outbox_sent_here():
        assert reminder_batch_enqueue(enrolment_ids=[enrolment.pk], as_of=last_week).enqueued == 1
        this_week = reminder_batch_enqueue(enrolment_ids=[enrolment.pk], as_of=RUN)
    assert this_week.enqueued == 1
    assert sorted(Notice.objects.filter(recipient=enrolment.learner).values_list("key", flat=True)) == [
        f"reminder:{enrolment.pk}:4:weekly",
        f"reminder:{enrolment.pk}:5:weekly",
    ]


@freeze_time(RUN)
def test_a_batch_composes_and_sends_with_fewer_collections(enrol, monkeypatch):
    # The batch's many short-lived containers: the young generation's threshold is raised while it
    # composes and sends (lms/collector.py), and the process's own is back afterwards.
    import gc

    from lms.collector import BULK_YOUNG_THRESHOLD
    from reminders import services

    ada = enrol("ada")
    notify_many = services.notify_many
    thresholds = []

    def watched(**kwargs):
        thresholds.append(gc.get_threshold()[0])
        return notify_many(**kwargs)

    monkeypatch.setattr(services, "notify_many", watched)
    before = gc.get_threshold()
    with outbox_sent_here():
        assert reminder_batch_enqueue(enrolment_ids=[ada.pk], as_of=RUN).enqueued == 1
    assert thresholds == [max(before[0], BULK_YOUNG_THRESHOLD)]
    assert gc.get_threshold() == before
    assert len(mail.outbox) == 1
