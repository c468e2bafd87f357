"""Celery tasks: the quarter-hourly beat task fans out batches of the enrolments whose learners' weekly
time has come (`User.reminder_due_at`: their weekday and hour in their own zone); each batch puts its
reminders in the outbox (notifications), which sends them, and moves its learners' time on a week.

The beat schedule (every 15 minutes: zones' hours fall on quarter hours) is a django-celery-beat
PeriodicTask created by a data migration, editable in admin. Tasks take ids and are idempotent (the
outbox key), so acks_late redelivery, a duplicated beat or a retry sends nothing twice.
"""

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from accounts.preferences import Stream, weekly_stream_ran_for_others
from progress.tasks import refresh_due_standings
from reminders import services
from reminders.selectors import BATCH_SIZE, reminder_candidate_id_pages, reminder_candidates

logger = logging.getLogger(__name__)

TOO_LATE = timedelta(days=2)


@shared_task(name="reminders.tasks.send_weekly_reminders")
def send_weekly_reminders(batch_size: int = BATCH_SIZE) -> int:
    """Enqueue one `send_reminder_batch` per page of candidate enrolments whose learners' time has come;
    returns the number of batches. People whose time came but who get no reminder (no current
    enrolment, reminders off…) are moved on to next week here; those in a batch, by the batch.

    Every batch gets the same `as_of` instant, so the whole run agrees on each learner's week.
    """
    # Selection reads stored standings: bring those whose week started since the last refresh up to date.
    refresh_due_standings()
    moment = timezone.now()
    as_of = moment.isoformat()
    batches = 0
    for enrolment_ids in reminder_candidate_id_pages(due_by=moment, batch_size=batch_size):
        send_reminder_batch.delay(enrolment_ids, as_of)
        batches += 1
    weekly_stream_ran_for_others(
        stream=Stream.REMINDER,
        ran_at=moment,
        exclude=Q(pk__in=reminder_candidates(due_by=moment).values("learner_id")),
    )
    logger.info("Weekly reminders: %s batches enqueued", batches)
    return batches


@shared_task(name="reminders.tasks.send_reminder_batch", ignore_result=True)
def send_reminder_batch(enrolment_ids: list[int], as_of: str | None = None) -> int:
    """Put the due reminders of these enrolments in the outbox and send them; returns how many this call
    enqueued. Exactly once, and the retries with backoff of what could not be sent, are the outbox's."""
    moment = datetime.fromisoformat(as_of) if as_of else timezone.now()
    if timezone.now() - moment > TOO_LATE:
        # A batch stuck in a queue for days would mail last week's plan: drop it, next week's run comes.
        logger.warning("Dropping a reminder batch from %s: too late to be useful", as_of)
        return 0
    return services.reminder_batch_enqueue(enrolment_ids=enrolment_ids, as_of=moment).enqueued
