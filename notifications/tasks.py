"""Celery tasks: send queued e-mails (ids in, idempotent), and the periodic sweep.

The sweep's beat row ("Re-queue unsent e-mails", every 5 minutes) is a django-celery-beat PeriodicTask
created by the data migration 0002, editable in admin.
"""

import logging

from celery import shared_task
from django.utils import timezone

from notifications import outbox, services
from notifications.policy import MAX_ATTEMPTS, RETRYABLE_ERRORS
from notifications.selectors import email_ids_to_sweep

logger = logging.getLogger(__name__)


@shared_task(
    name="notifications.tasks.send_emails",
    autoretry_for=RETRYABLE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS - 1,
    ignore_result=True,  # nobody waits on it: queueing it must not touch the result backend
)
def send_emails(email_ids: list[int]) -> int:
    """Send these outbox rows (those nobody sent or is sending); returns how many this call sent."""
    return outbox.emails_send(email_ids=email_ids).sent


@shared_task(name="notifications.tasks.sweep_emails")
def sweep_emails() -> int:
    """Queue again the unsent e-mails left idle (lost task, retries given up, dead worker); how many."""
    ids = email_ids_to_sweep(now=timezone.now())
    if ids:
        services.emails_schedule(email_ids=ids)
        logger.info("Outbox sweep: %s e-mails queued again", len(ids))
    return len(ids)


@shared_task(name="notifications.tasks.send_notice_digests")
def send_notice_digests() -> int:
    """The weekly digest of notices (beat row "Weekly notices digest"): one task per recipient."""
    from notifications.digest import digest_recipient_ids

    ids = digest_recipient_ids()
    for recipient_id in ids:
        send_notice_digest.delay(recipient_id)
    return len(ids)


@shared_task(name="notifications.tasks.send_notice_digest", ignore_result=True)
def send_notice_digest(recipient_id: int) -> bool:
    from notifications.digest import notice_digest_send

    return notice_digest_send(recipient_id=recipient_id)
