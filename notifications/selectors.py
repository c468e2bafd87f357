"""Reads of the outbox: what exists already, what the sweep should queue again, a user's notices."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from notifications.models import Email
from notifications.services import MAX_ATTEMPTS, stale_claim


def email_exists(*, key: str) -> bool:
    return Email.objects.filter(key=key).exists()


def email_keys_existing(*, keys: Iterable[str]) -> set[str]:
    """Which of these keys are in the outbox already (one indexed query): a sender skips composing them."""
    return set(Email.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def email_ids_to_sweep(*, now: datetime, limit: int = 10_000) -> list[int]:
    """Unsent rows nobody has touched for the stale-claim time: queued ones whose task was lost (the
    broker was down), failed ones with attempts left whose retries stopped, and "sending" ones whose
    worker died. Read through the partial index of unsent rows."""
    cutoff = now - stale_claim()
    idle = Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff)
    due = (
        Q(status=Email.Status.QUEUED)
        | Q(status=Email.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Email.Status.SENDING)
    )
    return list(
        Email.objects.exclude(status=Email.Status.SENT)
        .filter(due & idle)
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )


@dataclass(frozen=True)
class Notice:
    kind: str
    subject: str
    text: str
    link: str
    created_at: datetime


def notices_for(*, recipient_id: int, limit: int = 5) -> list[Notice]:
    """The recipient's latest in-product notices (e-mails enqueued with a `notice`), newest first.
    One indexed query; shown whether or not the e-mail has gone out yet."""
    rows = (
        Email.objects.filter(recipient_id=recipient_id)
        .exclude(notice="")
        .order_by("-created_at", "-id")
        .values_list("kind", "subject", "notice", "link", "created_at")[:limit]
    )
    return [Notice(*row) for row in rows]
