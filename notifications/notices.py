"""Writes of a user's notices and preferences: mark read, mark all read, choose a delivery per kind.

Creating notices is `services.notify` (with their e-mail, through the outbox); these only change what
the recipient themselves may change, scoped by `selectors.notices_visible_to`.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from notifications.kinds import kinds_for
from notifications.models import Delivery, Notice, NoticePreference
from notifications.selectors import Audiences, notices_visible_to


def notice_mark_read(*, user: Any, notice_id: int) -> Notice:
    """Mark one of the user's notices read (idempotent: the first reading time stays).
    Another user's notice does not exist for them (Notice.DoesNotExist)."""
    notice = notices_visible_to(user=user).get(pk=notice_id)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notices_visible_to(user=user).filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=notice.read_at
        )
    return notice


def notices_settle(*, keys: Iterable[str]) -> int:
    """The notices sent under these keys are read: their recipient acted on what they announced (a
    mentor reviewed the submitted version, answered the reply). How many were unread. One UPDATE."""
    return Notice.objects.filter(key__in=list(keys), read_at__isnull=True).update(read_at=timezone.now())


def notices_mark_all_read(*, user: Any) -> int:
    """Mark every unread notice of the user read; how many were. One UPDATE."""
    return notices_visible_to(user=user).filter(read_at__isnull=True).update(read_at=timezone.now())


def preferences_set(*, user: Any, audiences: Audiences, choices: dict[str, str]) -> None:
    """Save the user's delivery for each kind in `choices` (kind → Delivery value); unknown kinds and
    values are refused with the kind as the field."""
    allowed = {item.kind for item in kinds_for(mentor=audiences.mentor, learner=audiences.learner)}
    errors = {
        kind: gettext("Choose one of the offered deliveries.")
        for kind, delivery in choices.items()
        if kind not in allowed or delivery not in Delivery.values
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for kind, delivery in choices.items():
            NoticePreference.objects.update_or_create(
                user_id=user.pk, kind=kind, defaults={"delivery": delivery}
            )
