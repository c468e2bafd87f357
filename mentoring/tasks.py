"""Celery tasks: thin wrappers that take ids and call services. E-mails go through the outbox
(notifications), whose task sends them with retries; these only compose and enqueue."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from mentoring import services
from progress.tasks import refresh_due_standings


@shared_task
def send_mentor_digests() -> int:
    """Beat task (weekly): fan out one digest task per mentor."""
    refresh_due_standings()  # the digest reads stored standings: those whose week started come first
    today = timezone.now().date()
    mentor_ids = services.mentor_ids_with_mentees()
    for mentor_id in mentor_ids:
        send_mentor_digest.delay(mentor_id, today.isoformat())
    return len(mentor_ids)


@shared_task(ignore_result=True)
def send_mentor_digest(mentor_id: int, today: str) -> bool:
    """Put the mentor's digest of the week in the outbox (once per mentor and week)."""
    return services.mentor_digest_send(mentor_id=mentor_id, today=date.fromisoformat(today))
