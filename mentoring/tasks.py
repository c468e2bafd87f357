"""Celery tasks: thin wrappers that take ids and call services. E-mails go through the outbox
(notifications), whose task sends them with retries; these only compose and enqueue."""

from datetime import date, datetime

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from accounts.preferences import Stream, weekly_stream_ran_for_others
from lms.celery import check_connection_before
from mentoring import services
from progress.rebuilds import rebuild_range_do
from progress.tasks import refresh_due_standings


@shared_task
def send_mentor_digests() -> int:
    """Beat task (every quarter hour): one digest task per mentor whose weekly time has come
    (`User.digest_due_at`: their weekday and hour in their own zone); people whose time came who mentor
    nobody are moved on to next week."""
    refresh_due_standings()  # the digest reads stored standings: those whose week started come first
    now = timezone.now()
    mentor_ids = services.mentor_ids_with_mentees(due_by=now)
    for mentor_id in mentor_ids:
        send_mentor_digest.delay(mentor_id, now.isoformat())
    weekly_stream_ran_for_others(
        stream=Stream.DIGEST, ran_at=now, exclude=Q(pk__in=services.mentor_ids_with_mentees_query())
    )
    return len(mentor_ids)


@shared_task(ignore_result=True)
def send_mentor_digest(mentor_id: int, as_of: str) -> bool:
    """Put the mentor's digest of the week in the outbox (once per mentor and week) and move their next
    digest on a week. `as_of`: the beat's instant (or, from a task queued before, a date)."""
    if len(as_of) == len("2026-11-24"):
        return services.mentor_digest_send(mentor_id=mentor_id, today=date.fromisoformat(as_of))
    return services.mentor_digest_send_due(mentor_id=mentor_id, as_of=datetime.fromisoformat(as_of))


@shared_task(name="mentoring.tasks.rebuild_mentee_flags_range", ignore_result=True)
def rebuild_mentee_flags_range(range_id: int) -> int | None:
    """Recompute one range of a mentee-flags rebuild run (`progress.rebuilds`); a no-op when it is
    done or being done."""
    return rebuild_range_do(services.MENTEE_FLAGS_REBUILD, range_id=range_id)


check_connection_before(rebuild_mentee_flags_range)
