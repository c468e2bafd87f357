"""Celery tasks of the `sandbox` queue (CELERY_TASK_ROUTES): running learners' code, and the sweep that
re-queues runs left waiting. Both are idempotent (execution.run_execute: one claim writes a result)."""

import logging
from datetime import timedelta

from celery import Task, shared_task
from celery.signals import task_prerun
from django.db import OperationalError as DatabaseOperationalError
from django.db import close_old_connections
from django.utils import timezone

from exercises import execution, services
from exercises.selectors import run_ids_to_sweep

logger = logging.getLogger(__name__)

WAITING_TOO_LONG = timedelta(minutes=2)


@shared_task(
    bind=True,
    name="exercises.tasks.execute_run",
    ignore_result=True,
    autoretry_for=(DatabaseOperationalError,),
    retry_backoff=True,
    max_retries=20,
)
def execute_run(self: Task, run_id: int) -> str:
    """Run the code in the sandbox and write its result, once. When another worker holds the run's
    claim, try again once that claim would be stale (it finds the result written, or takes over a dead
    worker's run)."""
    outcome = execution.run_execute(run_id=run_id)
    if outcome.what == "claimed by another" and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.what


@task_prerun.connect(sender=execute_run)
def connection_check(task: Task, **kwargs: object) -> None:
    """Drop a broken or too old connection before using it (the worker keeps them across tasks)."""
    if not task.request.is_eager:
        close_old_connections()


@shared_task(name="exercises.tasks.sweep_runs", ignore_result=True)
def sweep_runs() -> int:
    """Re-queue runs waiting too long (broker down when created, lost task) or claimed by a worker that
    died (stale claim). Returns how many were re-queued."""
    ids = run_ids_to_sweep(
        created_before=timezone.now() - WAITING_TOO_LONG, claimed_before=execution.stale_before()
    )
    count = services.runs_enqueue(run_ids=ids)
    if count:
        logger.warning("Re-queued %s runs of learners' code left waiting", count)
    return count
