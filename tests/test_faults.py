"""Faults on the real stack: the broker stopped, a worker killed mid-grading or mid-sending, the reminder
task run twice at once, the database connection dropped mid-request. Nothing is lost, nothing is done
twice, nothing is half-written, and the learner sees a clean page.

The broker faults use a redis-server of their own (started and stopped here, on a free port) and real
`celery -A lms worker` processes on the test database; the shared Redis is never touched.
The outbox's claims themselves are tested under concurrency in tests/notifications/test_outbox.py and
tests/reminders/test_exactly_once.py (two senders at once); here the whole beat task runs twice at once.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from freezegun import freeze_time

from assessments import services as assessment_services
from assessments.models import Answer, Submission
from assessments.tasks import sweep_pending_submissions
from lms.celery import app
from notifications.models import Email
from notifications.services import email_enqueue
from notifications.tasks import sweep_emails
from reminders.tasks import send_weekly_reminders
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.conftest import REPO
from tests.database_sessions import other_session, sessions_waiting_on_locks, wait_until
from tests.gate_backend import message_from, sent_messages
from tests.reminders.conftest import RUN, make_enrolment

VISIBILITY_TIMEOUT = 3  # seconds: how long an unacknowledged task waits before Redis hands it out again
SWEEP_EVERY = 2  # seconds: the outbox sweep's period in the beat row (30 s in production)
STALE_CLAIM = (
    6  # seconds: how long an e-mail claimed by a worker is left to it (EMAIL_OUTBOX_STALE_CLAIM_SECONDS)
)


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, pg_terminate_backend, a database other processes share)")


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """This process's Celery app sends tasks to `url` (fresh connection pools), as the web would."""
    saved = (app.conf.broker_write_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_write_url = url
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_write_url, app._pool, app.amqp._producer_pool = saved


class Workers:
    """`celery -A lms worker` processes on the test database and a given broker."""

    def __init__(self, tmp_path: Path, broker_url: str) -> None:
        database = urlsplit(os.environ["DATABASE_URL"])
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.env = {
            **os.environ,
            "DATABASE_URL": urlunsplit(database._replace(path="/" + connection.settings_dict["NAME"])),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": broker_url,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "EMAIL_BACKEND": "tests.gate_backend.GateBackend",
            "GATE_BACKEND_DIR": str(self.mail_dir),
            "EMAIL_OUTBOX_STALE_CLAIM_SECONDS": str(STALE_CLAIM),
        }
        self.tmp_path = tmp_path
        self.started: list[subprocess.Popen] = []

    def start(self, *, queues: str = "celery", beat: bool = False) -> subprocess.Popen:
        """A worker; with `beat`, beat runs inside it (`-B`: the schedules of the database's rows)."""
        name = f"faults{len(self.started)}"
        log = self.tmp_path / f"{name}.log"
        args = [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "--loglevel=INFO",
                "--without-mingle", "--without-gossip", "--without-heartbeat", f"-n{name}@%h",
                f"-Q{queues}", *(["-B"] if beat else [])]  # fmt: skip
        process = subprocess.Popen(
            args,
            cwd=REPO,
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log  # type: ignore[attr-defined]
        self.started.append(process)
        deadline = time.monotonic() + 30
        while " ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the worker did not start:\n" + log.read_text()
            time.sleep(0.1)
        return process

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no chance to hand the task back."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.kill(process)


@pytest.fixture
def workers(own_redis, tmp_path, curriculum_tx) -> Iterator[Workers]:
    needs_postgresql()
    pool = Workers(tmp_path, own_redis.url)
    yield pool
    pool.stop_all()
    with connection.cursor() as cursor:  # their connections, so that the test database can be flushed
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def graded(submission_id: int) -> bool:
    return Submission.objects.filter(pk=submission_id, status=Submission.Status.GRADED).exists()


def quiz_form_data(quiz) -> dict[str, object]:
    data: dict[str, object] = {}
    for question_id, value in perfect_answers(quiz).items():
        data[f"question_{question_id}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


@pytest.mark.celery_worker
def test_with_redis_stopped_a_submitted_quiz_is_saved_and_graded_once_redis_is_back(
    own_redis, workers, learner, caplog
):
    quiz = make_quiz(week=3)
    client = Client()
    client.force_login(learner)
    with publishing_to(own_redis.url):
        own_redis.stop()
        response = client.post(f"/quizzes/week/{quiz.week.number}/", quiz_form_data(quiz))
        assert response.status_code == 302  # the learner's submit succeeded
        submission = Submission.objects.get(learner=learner)
        assert submission.status == Submission.Status.PENDING
        assert submission.answers.count() == 5
        assert "sweep will retry" in caplog.text

        own_redis.start()  # an empty Redis: the grading task was never queued
        workers.start()
        Submission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now() - timedelta(minutes=3))
        app._pool = app.amqp._producer_pool = None  # the web's next request reconnects
        assert sweep_pending_submissions() == 1  # what the beat runs every two minutes
        wait_until(lambda: graded(submission.pk), timeout=20, message="not graded after the broker came back")
    submission.refresh_from_db()
    assert (submission.score, submission.percent, submission.passed) == (6, 100, True)


@pytest.mark.celery_worker
def test_a_worker_killed_mid_grading_leaves_the_task_to_the_next_worker_which_grades_it_once(
    own_redis, workers, learner
):
    """acks_late + reject_on_worker_lost: the killed worker never acknowledged the task, so Redis hands
    it out again after the visibility timeout. The row lock held here keeps the first worker in the
    middle of grading (waiting for the lock of its submission, autograding._submission_locked) until it
    is killed."""
    quiz = make_quiz(week=3)
    with publishing_to(own_redis.url):
        submission = assessment_services.submission_create(
            learner=learner, quiz=quiz, answers=perfect_answers(quiz)
        )  # queued: no worker runs yet
    with other_session() as blocker:
        blocker.execute("SELECT id FROM assessments_submission WHERE id = %s FOR UPDATE", [submission.pk])

        first = workers.start()
        wait_until(
            lambda: sessions_waiting_on_locks() > 0, timeout=20, message="the worker never started grading"
        )
        workers.kill(first)
        killed_at = time.monotonic()
        with connection.cursor() as cursor:  # the dead worker's server process, still queued on the lock
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            )
        blocker.rollback()  # the lock is free; nobody is grading now
        time.sleep(0.5)
        assert Submission.objects.get(pk=submission.pk).status == Submission.Status.PENDING

    # The new worker looks for unacknowledged tasks older than the visibility timeout when it starts.
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - killed_at)))
    workers.start()
    wait_until(lambda: graded(submission.pk), timeout=30, message="the redelivered task was not graded")
    first_grading = Submission.objects.get(pk=submission.pk)
    assert (first_grading.score, first_grading.percent) == (6, 100)

    # A second delivery of the same task (Redis restores it again, or the sweep) changes nothing.
    with publishing_to(own_redis.url):
        assessment_services.grading_enqueue(submission_id=submission.pk)
    time.sleep(1)
    again = Submission.objects.get(pk=submission.pk)
    assert (again.status, again.score, again.graded_at) == (
        Submission.Status.GRADED,
        first_grading.score,
        first_grading.graded_at,
    )
    assert Answer.objects.filter(submission=submission).count() == 5


@pytest.mark.celery_worker
def test_a_worker_killed_mid_sending_leaves_the_e_mail_to_the_next_worker_which_sends_it_once(
    own_redis, workers, learner, settings
):
    """The worker claims the e-mail, then hangs talking to the mail server and is killed. Its task comes
    back from Redis (acks_late) but the claim is fresh: a live worker might still be sending, so nothing
    is sent. Once the claim is stale, the redelivered task or the sweep takes it over and sends it once."""
    settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS = STALE_CLAIM
    gate = workers.mail_dir / "gate"
    gate.touch()
    first = workers.start()
    with publishing_to(own_redis.url):
        email = email_enqueue(recipient=learner, kind="test", key="fault:1", subject="Hello", text="Once")
    wait_until(
        lambda: (workers.mail_dir / "blocked").exists(),
        timeout=20,
        message="the worker never started sending",
    )
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENDING
    workers.kill(first)
    killed_at = time.monotonic()
    gate.unlink()

    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - killed_at)))
    workers.start()  # gets the redelivered task
    time.sleep(max(0.0, STALE_CLAIM + 0.5 - (time.monotonic() - killed_at)))
    with publishing_to(own_redis.url):
        sweep_emails()  # takes it over unless the redelivered task already did (its claim was stale)
        wait_until(
            lambda: Email.objects.filter(pk=email.pk, status=Email.Status.SENT).exists(),
            timeout=30,
            message="the e-mail was not sent after its claim went stale",
        )
        assert sweep_emails() == 0
    time.sleep(1)
    assert len(sent_messages(workers.mail_dir)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.SENT, 2)


@pytest.mark.celery_worker
def test_a_worker_killed_while_sending_a_reminder_batch_leaves_every_learner_one_reminder_in_the_bound(
    own_redis, workers
):
    """Issue 37's fault run: two weekly runs at once and a worker killed mid-batch mailed 12 of 48
    learners twice (rows marked sent every 100 messages) and the rest ~6 minutes late (the sweep every
    5 minutes after a 10-minute stale claim). Now each row is marked sent when the mail server took it,
    and a dead worker's rows go within STALE_CLAIM + the sweep's period (60 s with the defaults)."""
    now = timezone.now()
    for n in range(12):
        make_enrolment(f"learner{n}", start=now.date() - timedelta(weeks=4), now=now)
    PeriodicTask.objects.update(enabled=False)  # beat runs the outbox sweep only, every SWEEP_EVERY
    PeriodicTask.objects.update_or_create(
        name="Re-queue unsent e-mails",
        defaults={
            "task": "notifications.tasks.sweep_emails",
            "interval": IntervalSchedule.objects.create(every=SWEEP_EVERY, period=IntervalSchedule.SECONDS),
            "enabled": True,
        },
    )
    (workers.mail_dir / "gate-at").write_text("4")  # the mail server takes four, then hangs
    first = workers.start()
    with publishing_to(own_redis.url):
        send_weekly_reminders.delay(batch_size=6)  # two batches of six
        send_weekly_reminders.delay(batch_size=6)  # and a duplicated weekly run
        wait_until(
            lambda: (workers.mail_dir / "blocked").exists(), timeout=30, message="the batch never sent"
        )
    workers.kill(first)  # while it was sending its fifth
    killed_at = time.monotonic()
    (workers.mail_dir / "gate-at").unlink()
    assert Email.objects.filter(status=Email.Status.SENT).count() == 4  # each marked when taken
    assert Email.objects.filter(status=Email.Status.SENDING).count() == 2  # the dead worker's claim

    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - killed_at)))
    # It takes the second batch (redelivered or queued), and its beat runs the sweep, which alone sends
    # the dead worker's two claimed rows (the first batch, redelivered, finds their keys and stops).
    workers.start(beat=True)
    bound = STALE_CLAIM + SWEEP_EVERY + 20  # (+ a worker's start and a batch's work on a busy machine)
    wait_until(
        lambda: Email.objects.filter(status=Email.Status.SENT).count() == 12,
        timeout=bound - (time.monotonic() - killed_at),
        message="not every due learner had the reminder within the sweep's bound",
    )
    time.sleep(SWEEP_EVERY + 1)  # a further sweep (and the duplicated run's batches) sends nothing more
    recipients = [message_from(path)["To"] for path in sent_messages(workers.mail_dir)]
    assert sorted(recipients) == sorted(f"learner{n}@example.com" for n in range(12))
    assert set(Email.objects.values_list("kind", "status")) == {("reminder_weekly", Email.Status.SENT)}


@pytest.mark.django_db(transaction=True)
def test_the_weekly_reminder_task_run_twice_at_once_mails_each_learner_once(curriculum_tx, celery_eager):
    needs_postgresql()
    with freeze_time(RUN):
        for n in range(20):
            make_enrolment(f"learner{n}", completed=range(1, 5 - n % 3))
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                start.wait()
                send_weekly_reminders(batch_size=3)  # seven batches each, run in this thread
            except BaseException as error:
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
    assert len(recipients) == len(set(recipients)) == 20
    assert Email.objects.filter(status=Email.Status.SENT, attempts=1).count() == 20


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_lost_mid_submit_shows_the_error_page_and_writes_nothing(
    curriculum_tx, learner, monkeypatch
):
    needs_postgresql()
    quiz = make_quiz(week=3)
    real_activity_touch = assessment_services.activity_touch

    def connection_dropped_then_touch(**kwargs):
        """Between the submission's writes: its rows are inserted, the learner's activity is next."""
        assert Submission.objects.count() == 1  # inside the transaction, half-written
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return real_activity_touch(**kwargs)

    monkeypatch.setattr(assessment_services, "activity_touch", connection_dropped_then_touch)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.post(f"/quizzes/week/{quiz.week.number}/", quiz_form_data(quiz))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    for leak in ("Traceback", "OperationalError", "pg_terminate_backend", "psycopg", "assessments/"):
        assert leak not in page
    connection.close()  # the test's own connection was the one dropped
    assert Submission.objects.count() == 0
    assert Answer.objects.count() == 0
