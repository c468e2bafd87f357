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
SUBJECT_MAX = 300

# Mail-server and network trouble (refused, reset, timeouts, DNS: all OSError) is worth retrying;
# anything else is a bug and fails loudly (the sweep tries again later, up to MAX_ATTEMPTS claims).
RETRYABLE_ERRORS = (smtplib.SMTPException, OSError)


def stale_claim() -> timedelta:
    """How long a "sending" row is left to the worker that claimed it, counted from its claim or its last
    renewal (the sending process renews it every third of this, `outbox.Claim`): a dead worker's rows are
    taken over at most this long after it died, a live worker's never (the one setting, default 30 s)."""
    return timedelta(seconds=settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS)


UNSENT_IDLE = timedelta(minutes=10)
"""How long a queued or failed row waits for its own task (queued, or retrying with its backoff, at most
10 minutes apart) before the sweep queues it again: its task was lost or gave up."""


def claimable(*, now: datetime) -> Q:
    """The rows a worker may claim: queued, failed with attempts left, or claimed by a worker that died."""
    return (
        Q(status=Email.Status.QUEUED)
        | Q(status=Email.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Email.Status.SENDING, claimed_at__lt=now - stale_claim())
    )
