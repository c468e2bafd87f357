"""The outbox: one row per key, sent once by whoever claims it, retried with backoff, swept, re-sent."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django_celery_beat.models import PeriodicTask
from freezegun import freeze_time
from kombu.exceptions import OperationalError

from lms.celery import app
from notifications import services
from notifications.models import Email
from notifications.outbox import emails_claim, emails_send, message_id_for
from notifications.policy import MAX_ATTEMPTS
from notifications.selectors import email_ids_to_sweep, notices_for
from notifications.services import EmailDraft, email_enqueue, emails_enqueue
from notifications.tasks import send_emails, sweep_emails
from tests.factories import UserFactory
from tests.flaky_backend import FlakyBackend

FLAKY = "tests.flaky_backend.FlakyBackend"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def enqueue(user, key="test:1", **fields) -> Email:
    return email_enqueue(
        recipient=user,
        kind=fields.pop("kind", "test"),
        key=key,
        subject=fields.pop("subject", "Hello"),
        text=fields.pop("text", "Plain text"),
        **fields,
    )


@pytest.fixture
def ada(db):
    return UserFactory(username="ada")


def test_an_e_mail_is_sent_after_the_enqueuing_transaction_commits(
    ada, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = enqueue(
            ada,
            html="<p>Hi</p>",
            headers={"List-Unsubscribe": "<https://lms.example/u/1>"},
            subject="Line one\nline two",
        )
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert (message.to, message.subject, message.body) == (
        ["ada@example.com"],
        "Line one line two",
        "Plain text",
    )
    assert message.alternatives[0].content == "<p>Hi</p>"
    assert message.extra_headers == {
        "Message-ID": message_id_for(email.key),  # the same for any second copy: clients fold it
        "List-Unsubscribe": "<https://lms.example/u/1>",
    }
    email.refresh_from_db()
    assert (email.status, email.attempts, email.to, email.recipient) == ("sent", 1, "ada@example.com", ada)
    assert email.sent_at is not None


def test_a_second_enqueue_with_the_same_key_is_a_no_op_returning_the_first_row(
    ada, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(ada, subject="First")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = enqueue(ada, subject="Second")
        emails_enqueue(drafts=[EmailDraft(ada.pk, ada.email, "test", "test:1", "Third", "x")])
    assert second.pk == first.pk
    assert second.subject == "First"
    assert callbacks == []  # nothing new to send
    assert Email.objects.count() == 1
    assert [message.subject for message in mail.outbox] == ["First"]


def test_many_are_enqueued_in_one_insert_and_sent_in_one_task(
    ada, celery_eager, django_capture_on_commit_callbacks, django_assert_num_queries
):
    drafts = [EmailDraft(ada.pk, ada.email, "test", f"bulk:{n}", f"Message {n}", "x") for n in range(3)]
    with django_assert_num_queries(1), django_capture_on_commit_callbacks() as callbacks:
        ids = emails_enqueue(drafts=drafts)  # INSERT … ON CONFLICT DO NOTHING RETURNING id
    assert ids == sorted(Email.objects.values_list("id", flat=True))
    more = [EmailDraft(ada.pk, ada.email, "test", f"bulk:{n}", f"Again {n}", "x") for n in range(2, 5)]
    with django_capture_on_commit_callbacks() as again:
        new = emails_enqueue(drafts=more)
    assert new == sorted(Email.objects.filter(key__in=["bulk:3", "bulk:4"]).values_list("id", flat=True))
    assert Email.objects.get(key="bulk:2").subject == "Message 2"  # left as it was
    # the claim (an UPDATE of the locked rows) in a savepoint (3), each message marked sent once the
    # mail server accepted it (3)
    with django_assert_num_queries(6):
        for callback in callbacks:
            callback()
    assert sorted(message.subject for message in mail.outbox) == ["Message 0", "Message 1", "Message 2"]
    assert len(again) == 1  # a task for the two new ones only


def test_a_broker_that_cannot_be_reached_loses_nothing(
    ada, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_emails, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue(ada)  # the caller's write succeeds
    assert Email.objects.get(pk=email.pk).status == "queued"
    assert "the sweep will retry" in caplog.text


def test_a_claim_is_taken_once(ada):
    email = enqueue(ada)
    assert [row.pk for row in emails_claim(email_ids=[email.pk])] == [email.pk]
    assert emails_claim(email_ids=[email.pk]) == []
    assert emails_send(email_ids=[email.pk]).sent == 0
    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sending", 1)


def test_a_claim_left_by_a_dead_worker_is_taken_over_once_stale(ada, settings):
    settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS = 600
    with freeze_time(NOW):
        email = enqueue(ada)
        emails_claim(email_ids=[email.pk])  # then the worker died
    with freeze_time(NOW + timedelta(minutes=9)):
        assert emails_send(email_ids=[email.pk]).sent == 0  # a live worker may still be sending it
        assert email_ids_to_sweep(now=NOW + timedelta(minutes=9)) == []
    with freeze_time(NOW + timedelta(minutes=11)):
        assert email_ids_to_sweep(now=NOW + timedelta(minutes=11)) == [email.pk]
        assert emails_send(email_ids=[email.pk]).sent == 1
        assert emails_send(email_ids=[email.pk]).sent == 0
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_a_failed_send_records_the_error_sends_the_others_later_and_the_retry_clears_it(ada, settings):
    ids = [enqueue(ada, key=f"test:{n}", subject=f"Message {n}").pk for n in range(3)]
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset(fail_at=2)
    with pytest.raises(OSError, match="unexpectedly closed"):
        emails_send(email_ids=ids)
    rows = list(Email.objects.order_by("id"))
    assert [row.status for row in rows] == ["sent", "failed", "queued"]
    assert [row.attempts for row in rows] == [1, 1, 0]  # the released one was never tried
    assert "SMTPServerDisconnected" in rows[1].last_error

    assert emails_send(email_ids=ids).sent == 2
    assert [message.subject for message in mail.outbox] == ["Message 0", "Message 1", "Message 2"]
    retried = Email.objects.get(pk=ids[1])
    assert (retried.status, retried.attempts, retried.last_error) == ("sent", 2, "")


def test_the_task_retries_mail_server_errors_with_backoff_counting_attempts(ada, settings):
    ids = [enqueue(ada, key=f"test:{n}").pk for n in range(2)]
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset(fail_at=1)
    result = send_emails.apply(args=[ids], throw=False)  # eager: the retry runs inline, at once
    assert result.get() == 2
    assert len(mail.outbox) == 2
    assert list(Email.objects.order_by("id").values_list("status", "attempts")) == [("sent", 2), ("sent", 1)]
    assert send_emails.retry_backoff is True
    assert send_emails.max_retries == MAX_ATTEMPTS - 1
    assert OSError in send_emails.autoretry_for


def test_an_e_mail_that_failed_every_attempt_stays_failed_until_re_sent(ada, settings):
    email = enqueue(ada)
    Email.objects.filter(pk=email.pk).update(
        status="failed", attempts=MAX_ATTEMPTS, claimed_at=NOW - timedelta(days=1)
    )
    assert emails_send(email_ids=[email.pk]).sent == 0
    assert email_ids_to_sweep(now=NOW) == []
    assert services.emails_resend(email_ids=[email.pk]) == 1
    assert emails_send(email_ids=[email.pk]).sent == 1


def test_the_sweep_queues_again_what_was_left_idle(ada, settings, celery_eager):
    settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS = 600
    with freeze_time(NOW - timedelta(hours=1)):
        lost = enqueue(ada, key="lost")  # its task never reached the broker
        gave_up = enqueue(ada, key="gave-up")
        dead = enqueue(ada, key="dead")
        sent = enqueue(ada, key="sent")
    Email.objects.filter(pk=gave_up.pk).update(
        status="failed", attempts=2, claimed_at=NOW - timedelta(hours=1)
    )
    Email.objects.filter(pk=dead.pk).update(
        status="sending", attempts=1, claimed_at=NOW - timedelta(minutes=30)
    )
    Email.objects.filter(pk=sent.pk).update(status="sent", attempts=1)
    with freeze_time(NOW):
        fresh = enqueue(ada, key="fresh")  # its task may be on its way
        retrying = enqueue(ada, key="retrying")
        Email.objects.filter(pk=retrying.pk).update(status="failed", attempts=1, claimed_at=NOW)
        assert sorted(email_ids_to_sweep(now=NOW)) == sorted([lost.pk, gave_up.pk, dead.pk])
        assert sweep_emails() == 3
    assert len(mail.outbox) == 3
    assert set(Email.objects.filter(status="sent").values_list("key", flat=True)) == {
        "lost",
        "gave-up",
        "dead",
        "sent",
    }
    assert Email.objects.get(pk=fresh.pk).status == "queued"


def test_the_sweep_runs_every_30_seconds_from_a_beat_row_editable_in_admin(db):
    task = PeriodicTask.objects.select_related("interval").get(name="Re-queue unsent e-mails")
    assert task.task == "notifications.tasks.sweep_emails"
    assert task.task in app.tasks
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (30, "seconds")


def test_notices_are_the_recipients_own_newest_first(ada):
    bob = UserFactory(username="bob")

    def notify(user, key, kind="test", text="", link="", subject="Hello"):
        services.notify(
            recipient=user, kind=kind, key=key, text=text, link=link, subject=subject, email_text="x"
        )

    with freeze_time(NOW):
        notify(ada, "a", kind="phase_returned", text="Redo week 3", link="/dashboard/")
    with freeze_time(NOW + timedelta(hours=1)):
        notify(ada, "b", kind="week_feedback", subject="Feedback", text="Well done")
        enqueue(ada, key="c", kind="mentor_digest")  # an e-mail, no notice
        notify(bob, "d", text="Bob's")
    notices = notices_for(recipient_id=ada.pk)
    assert [(notice.kind, notice.text) for notice in notices] == [
        ("week_feedback", "Well done"),
        ("phase_returned", "Redo week 3"),
    ]
    assert notices[1].link == "/dashboard/"
    assert notices[0].subject == "Feedback"


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_rows_at_once_send_each_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    users = [UserFactory(username=f"learner{n}") for n in range(40)]
    rows = Email.objects.bulk_create(
        EmailDraft(user.pk, user.email, "test", f"race:{user.pk}", "Hi", "x").row() for user in users
    )
    ids = [row.pk for row in rows]
    start = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            sent.append(emails_send(email_ids=ids).sent)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(sent) == 40
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 40
    assert set(Email.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_every_subject_names_the_site_once(ada, settings, celery_eager, django_capture_on_commit_callbacks):
    settings.SITE_NAME = "Example Learning"
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(ada, key="named:1", subject="Hello")
        enqueue(ada, key="named:2", subject="[Example Learning] Already named")
    assert sorted(message.subject for message in mail.outbox) == [
        "[Example Learning] Already named",
        "[Example Learning] Hello",
    ]
