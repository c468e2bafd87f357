"""Reads of the outbox (what exists already, what the sweep should queue again) and of a user's notices
and their preferences."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from notifications.kinds import NoticeKind, kinds_for
from notifications.models import Email, Notice, NoticePreference
from notifications.policy import MAX_ATTEMPTS, UNSENT_IDLE, stale_claim


def email_exists(*, key: str) -> bool:
    return Email.objects.filter(key=key).exists()


def email_keys_existing(*, keys: Iterable[str]) -> set[str]:
    """Which of these keys are in the outbox already (one indexed query): a sender skips composing them."""
    return set(Email.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def email_ids_to_sweep(*, now: datetime, limit: int = 10_000) -> list[int]:
    """Unsent rows left idle: queued ones whose task was lost (the broker was down) and failed ones with
    attempts left whose retries stopped, untouched for UNSENT_IDLE; "sending" ones whose claim is stale
    (their worker died). Read through the partial index of unsent rows."""
    idle = now - UNSENT_IDLE
    untouched = Q(claimed_at__lt=idle) | Q(claimed_at__isnull=True, created_at__lt=idle)
    due = (
        Q(status=Email.Status.QUEUED) & untouched
        | Q(status=Email.Status.FAILED, attempts__lt=MAX_ATTEMPTS) & untouched
        | Q(status=Email.Status.SENDING, claimed_at__lt=now - stale_claim())
    )
    return list(
        Email.objects.exclude(status=Email.Status.SENT)
        .filter(due)
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )


@dataclass(frozen=True)
class NoticeItem:
    kind: str
    subject: str
    text: str
    link: str
    created_at: datetime


def notices_for(*, recipient_id: int, limit: int = 5) -> list[NoticeItem]:
    """The recipient's latest in-product notices, newest first (the learner dashboard). One indexed
    query; shown whether or not their e-mail has gone out yet."""
    rows = (
        Notice.objects.filter(recipient_id=recipient_id)
        .order_by("-created_at", "-id")
        .values_list("kind", "title", "text", "link", "created_at")[:limit]
    )
    return [NoticeItem(*row) for row in rows]


def notices_visible_to(*, user: Any) -> QuerySet[Notice]:
    """The one scoping rule of notices: a user sees their own, and nobody else's (staff included: a
    notice is personal, like an e-mail)."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(recipient_id=user.pk)


def unread_count_for(*, user: Any) -> int:
    """The bell's number; pages read it from the request's user instead (loaded with it, no query)."""
    return notices_visible_to(user=user).filter(read_at__isnull=True).count()


def notice_keys_existing(*, keys: Iterable[str]) -> set[str]:
    """Which of these keys have a notice already (one indexed query): a sender skips composing them."""
    return set(Notice.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def notified_keys_existing(*, keys: Iterable[str]) -> set[str]:
    """Which of these keys have a notice or an e-mail already (one query): a sender skips composing
    them (an e-mail sent before notices existed has no notice, and is not sent again)."""
    keys = list(keys)
    # (without the models' default order: SQLite refuses ORDER BY in the parts of a UNION)
    notices = Notice.objects.filter(key__in=keys).order_by().values_list("key", flat=True)
    emails = Email.objects.filter(key__in=keys).order_by().values_list("key", flat=True)
    return set(notices.union(emails))


@dataclass(frozen=True)
class PreferenceRow:
    kind: NoticeKind
    delivery: str


@dataclass(frozen=True)
class Audiences:
    """Whose notices a user receives: a mentor's (mentors and staff), a learner's (anyone but a mentor
    or staff member who has never enrolled)."""

    mentor: bool
    learner: bool


def audiences_of(*, user: Any) -> Audiences:
    mentor = bool(user.is_staff or user.is_mentor)
    # The enrolments' reverse relation, not an import: this app knows no app above it.
    return Audiences(mentor=mentor, learner=not mentor or user.enrolments.exists())


def preferences_for(*, user: Any, audiences: Audiences) -> list[PreferenceRow]:
    """Each kind the user may choose for, with their choice or the kind's default. One query."""
    chosen = dict(NoticePreference.objects.filter(user_id=user.pk).values_list("kind", "delivery"))
    kinds = kinds_for(mentor=audiences.mentor, learner=audiences.learner)
    return [PreferenceRow(item, chosen.get(item.kind, item.default)) for item in kinds]
