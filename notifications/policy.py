"""The outbox's policy: how many tries, how big a task, how long a claim lasts, which errors are
retried, which rows are claimable. Constants and one predicate only, so that selectors, services, the
sending side (`outbox`) and tasks all read them without importing each other."""

import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from notifications.models import Email

MAX_ATTEMPTS = 6
"""Claims of one row before it stays "failed" (admin → re-send starts over)."""
TASK_SIZE = 500
"""Ids per sending task: one task sends them over one connection."""
SENT_CHUNK = 100
"""Rows are marked "sent" every SENT_CHUNK messages: what a worker killed mid-task may send twice."""
SUBJECT_MAX = 300

# Mail-server and network trouble (refused, reset, timeouts, DNS: all OSError) is worth retrying;
# anything else is a bug and fails loudly (the sweep tries again later, up to MAX_ATTEMPTS claims).
RETRYABLE_ERRORS = (smtplib.SMTPException, OSError)


def stale_claim() -> timedelta:
    """How long a "sending" row is left to the worker that claimed it (the one setting). Longer than a
    task takes to send TASK_SIZE messages; about the broker's visibility timeout, so that a redelivered
    task can take over a dead worker's claims."""
    return timedelta(seconds=settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS)


def claimable(*, now: datetime) -> Q:
    """The rows a worker may claim: queued, failed with attempts left, or claimed by a worker that died."""
    return (
        Q(status=Email.Status.QUEUED)
        | Q(status=Email.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Email.Status.SENDING, claimed_at__lt=now - stale_claim())
    )
