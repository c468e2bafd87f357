"""Celery tasks of review cards. They take ids, re-read, and are idempotent (one card per learner and
question; the retention estimate is recomputed from the rows)."""

import logging

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from cards import services
from cards.selectors import learner_ids_with_cards
from lms.celery import check_connection_before

logger = logging.getLogger(__name__)

RETENTION_BATCH = 500


@shared_task(
    name="cards.tasks.cards_create_for_submission",
    ignore_result=True,
    autoretry_for=(DatabaseOperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def cards_create_for_submission(submission_id: int) -> int:
    return services.cards_create_for_submission(submission_id=submission_id)


def cards_enqueue_for_submission(*, submission_id: int) -> None:
    """Queue the task; a broker that cannot be reached is logged (`manage.py cards_backfill` repairs)."""
    try:
        cards_create_for_submission.delay(submission_id)
    except (KombuOperationalError, RedisError, OSError) as error:
        logger.error("Could not queue the review cards of submission %s (%s)", submission_id, error)


@shared_task(
    name="cards.tasks.card_create_for_exercise_run",
    ignore_result=True,
    autoretry_for=(DatabaseOperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def card_create_for_exercise_run(run_id: int) -> bool:
    return services.card_create_for_exercise_run(run_id=run_id)


def card_enqueue_for_exercise_run(*, run_id: int) -> None:
    """Queue the task (on the default queue, not the sandbox's); a broker that cannot be reached is
    logged (`manage.py cards_backfill` repairs)."""
    try:
        card_create_for_exercise_run.delay(run_id)
    except (KombuOperationalError, RedisError, OSError) as error:
        logger.error("Could not queue the review card of exercise run %s (%s)", run_id, error)


@shared_task(name="cards.tasks.refresh_retention_estimates", ignore_result=True)
def refresh_retention_estimates() -> int:
    """Recompute every learner's stored retention estimate (it decays as days pass): daily."""
    ids = learner_ids_with_cards()
    for offset in range(0, len(ids), RETENTION_BATCH):
        services.retention_refresh(learner_ids=ids[offset : offset + RETENTION_BATCH])
    return len(ids)


# A connection the database dropped since the last task is replaced before the task starts, as the grading
# task's is (without it: a retry per dropped connection, issue 37's fault run saw eight).
check_connection_before(cards_create_for_submission, refresh_retention_estimates)
