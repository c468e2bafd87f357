"""Celery tasks: grading a submission, and the sweep that re-queues submissions left pending.

Both are idempotent (see autograding.pending_submissions_grade), so acks_late redelivery, a duplicated
message or a sweep that re-queues a submission whose first task is still queued grades it once.
"""

import logging
from datetime import timedelta

from celery import Task, shared_task
from celery.signals import task_prerun
from django.db import OperationalError as DatabaseOperationalError
from django.db import close_old_connections
from django.utils import timezone

from assessments import autograding, records, services
from assessments.selectors import pending_submission_ids
from lms.celery import check_connection_before
from progress.rebuilds import rebuild_range_do

logger = logging.getLogger(__name__)

# Longer than a grading normally waits in the queue; the beat row runs the sweep every 2 minutes.
PENDING_TOO_LONG = timedelta(minutes=2)


@shared_task(
    name="assessments.tasks.grade_submission",
    ignore_result=True,
    autoretry_for=(DatabaseOperationalError,),  # a lost connection or a deadlock: worth another go
    retry_backoff=True,
    max_retries=5,
)
def grade_submission(submission_id: int) -> None:
    """Grades this submission, with the other pending ones no other task holds (a burst's tasks behind
    it then find theirs graded with one query)."""
    autograding.pending_submissions_grade(submission_id=submission_id)


@task_prerun.connect(sender=grade_submission)
def connection_check(task: Task, **kwargs: object) -> None:
    """Like at the start of a web request: drop a broken or too old connection before using it.

    Needed because the worker keeps connections across tasks (CELERY_DB_REUSE_MAX in settings).
    Not for eager calls, which run inside the caller's connection (and maybe its transaction).
    """
    if not task.request.is_eager:
        close_old_connections()


@shared_task(name="assessments.tasks.sweep_pending_submissions", ignore_result=True)
def sweep_pending_submissions(pending_minutes: float | None = None) -> int:
    """Re-queue the grading of submissions pending for too long (broker down at submit, lost task).

    Returns how many were re-queued.
    """
    too_long = PENDING_TOO_LONG if pending_minutes is None else timedelta(minutes=pending_minutes)
    ids = pending_submission_ids(submitted_before=timezone.now() - too_long)
    count = services.submission_ids_enqueue(submission_ids=ids)
    if count:
        logger.warning("Re-queued the grading of %s submissions left pending", count)
    return count


@shared_task(name="assessments.tasks.rebuild_quiz_records_range", ignore_result=True)
def rebuild_quiz_records_range(range_id: int) -> int | None:
    """Recompute one range of a quiz-records rebuild run (`progress.rebuilds`); a no-op when it is done
    or being done."""
    return rebuild_range_do(records.QUIZ_RECORDS_REBUILD, range_id=range_id)


check_connection_before(rebuild_quiz_records_range)
