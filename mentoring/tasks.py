"""Celery tasks: thin wrappers that take ids and call services."""

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from mentoring import services
from progress.tasks import refresh_due_standings

SEND_ERRORS = (SMTPException, ConnectionError, TimeoutError)


@shared_task(autoretry_for=SEND_ERRORS, retry_backoff=True, max_retries=5)
def send_feedback_email(feedback_id: int) -> bool:
    return services.feedback_email_send(feedback_id=feedback_id)


@shared_task
def send_mentor_digests() -> int:
    """Beat task (weekly): fan out one digest task per mentor."""
    refresh_due_standings()  # the digest reads stored standings: those whose week started come first
    today = timezone.now().date()
    mentor_ids = services.mentor_ids_with_mentees()
    for mentor_id in mentor_ids:
        send_mentor_digest.delay(mentor_id, today.isoformat())
    return len(mentor_ids)


@shared_task(autoretry_for=SEND_ERRORS, retry_backoff=True, max_retries=5)
def send_mentor_digest(mentor_id: int, today: str) -> bool:
    from datetime import date

    return services.mentor_digest_send(mentor_id=mentor_id, today=date.fromisoformat(today))
