"""Grading through Celery: a real worker on Redis, exactly once, and nothing lost when the broker is down."""

import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from assessments import autograding, services
from assessments.models import Submission
from assessments.tasks import grade_submission, sweep_pending_submissions
from tests.assessments.conftest import half_answers, make_quiz, perfect_answers
from tests.factories import UserFactory

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def wait_for_status(
    submission_id: int, *, status: str = Submission.Status.GRADED, timeout: float = 20
) -> Submission:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submission = Submission.objects.get(pk=submission_id)
        if submission.status == status:
            return submission
        time.sleep(0.1)
    raise AssertionError(f"submission {submission_id} still {submission.status} after {timeout} s")


@contextmanager
def broker_unreachable(app):
    """Publishing goes to a port nothing listens on, as when Redis is down; the worker keeps its pools."""
    saved = (app.conf.broker_write_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_write_url = UNREACHABLE_BROKER
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_write_url, app._pool, app.amqp._producer_pool = saved


@pytest.mark.celery_worker
def test_a_submission_is_graded_by_a_real_worker(celery_worker, learner):
    quiz = make_quiz(week=3)
    submission = services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
    graded = wait_for_status(submission.pk)
    assert (graded.score, graded.max_score, graded.percent, graded.passed) == (3, 6, 50, False)
    assert sorted(graded.answers.values_list("awarded_points", flat=True)) == [0, 0, 1, 1, 1]


@pytest.mark.celery_worker
def test_the_same_task_twice_grades_once(celery_worker, learner):
    quiz = make_quiz(week=3)
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    first = wait_for_status(submission.pk)
    grade_submission.delay(submission.pk).forget()
    grade_submission.delay(submission.pk).forget()
    sweep_pending_submissions.delay(pending_minutes=0).forget()
    time.sleep(1)
    again = Submission.objects.get(pk=submission.pk)
    assert (again.score, again.percent, again.graded_at) == (first.score, first.percent, first.graded_at)
    assert again.score == 6


@pytest.mark.celery_worker
def test_one_task_grades_the_pending_submissions_of_a_burst_and_their_own_tasks_change_nothing(
    celery_worker, learner
):
    quiz = make_quiz(week=3)
    with broker_unreachable(celery_worker):  # saved pending, nothing queued yet
        ids = [
            services.submission_create(learner=learner_, quiz=quiz, answers=answers(quiz)).pk
            for learner_, answers in zip(
                [learner, *(UserFactory() for _ in range(5))],
                [perfect_answers, half_answers] * 3,
                strict=True,
            )
        ]
    grade_submission.delay(ids[0]).forget()
    graded = {pk: wait_for_status(pk) for pk in ids}  # all of them, by the one task
    for pk in ids:
        grade_submission.delay(pk).forget()  # their own tasks, late
    time.sleep(1)
    again = {submission.pk: submission for submission in Submission.objects.filter(pk__in=ids)}
    assert [(again[pk].score, again[pk].graded_at) for pk in ids] == [
        (graded[pk].score, graded[pk].graded_at) for pk in ids
    ]
    assert [again[pk].score for pk in ids] == [6, 3] * 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_gradings_of_one_submission_grade_it_once(pg, learner):
    quiz = make_quiz(week=3)
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    results = []

    def grade() -> None:
        try:
            results.append(autograding.submission_grade(submission_id=submission.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=grade) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    graded_at = {result.graded_at for result in results}
    assert len(graded_at) == 1  # every call saw the one grading
    assert Submission.objects.get(pk=submission.pk).graded_at in graded_at


@pytest.mark.django_db
def test_grading_twice_in_process_changes_nothing(quiz, learner):
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    first = autograding.submission_grade(submission_id=submission.pk)
    second = autograding.submission_grade(
        submission_id=submission.pk, now=timezone.now() + timedelta(hours=1)
    )
    assert first is not None
    assert second is not None
    assert (second.score, second.graded_at) == (first.score, first.graded_at)
    assert autograding.submission_grade(submission_id=999999) is None  # deleted since: a quiet no-op


@pytest.mark.celery_worker
def test_with_the_broker_down_submit_succeeds_and_the_sweep_grades_it_later(celery_worker, learner, caplog):
    quiz = make_quiz(week=3)
    with broker_unreachable(celery_worker):
        submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    assert "sweep will retry" in caplog.text
    time.sleep(0.5)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.PENDING
    assert sweep_pending_submissions() == 0  # not pending for long yet: its task may still be queued
    Submission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now() - timedelta(minutes=3))
    assert sweep_pending_submissions() == 1
    assert wait_for_status(submission.pk).score == 6


@pytest.mark.celery_worker
def test_the_quiz_page_submits_with_the_broker_down(celery_worker, client, learner):
    quiz = make_quiz(week=3)
    client.force_login(learner)
    data = {}
    for question_id, value in perfect_answers(quiz).items():
        data[f"question_{question_id}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    with broker_unreachable(celery_worker):
        response = client.post(f"/quizzes/week/{quiz.week.number}/", data)
    assert response.status_code == 302
    assert Submission.objects.get().status == Submission.Status.PENDING


@pytest.mark.django_db
def test_the_sweep_runs_every_two_minutes_from_a_beat_row():
    task = PeriodicTask.objects.get(task="assessments.tasks.sweep_pending_submissions")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (2, "minutes")
