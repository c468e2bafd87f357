"""Writes of a person's local settings: time zone, language, and when their weekly e-mails go.

The weekly streams (the learner's reminder, the mentor's digest) store their next send time on the user
(accounts/weekly.py says when); these services keep those times true when the settings change and when a
stream has run, and give one to people who have none yet (made in admin, by a script or a fixture).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.timezones import canonical_timezone
from accounts.weekly import weekly_due_after_run, weekly_due_on_change, weekly_slot_on_or_after


class Stream(StrEnum):
    """A weekly e-mail stream: the names of its two fields on the user are `<stream>_due_at`/`_ran_at`."""

    REMINDER = "reminder"
    DIGEST = "digest"

    @property
    def due_field(self) -> str:
        return f"{self.value}_due_at"

    @property
    def ran_field(self) -> str:
        return f"{self.value}_ran_at"

    def due_by(self, moment: datetime, prefix: str = "") -> Q:
        """Whose time for this stream has come by `moment` (`prefix`: the path to the user, e.g.
        "learner__"). Without a time yet (an account made by a script or a fixture: sign-up, a
        provider's sign-up, onboarding, admin's "add user" and Settings set one) is due at once, and the
        run sets the next."""
        field = f"{prefix}{self.due_field}"
        return Q(**{f"{field}__lte": moment}) | Q(**{f"{field}__isnull": True})


def user_locale_set(
    *,
    user: User,
    time_zone: str,
    language: str,
    weekly_email_weekday: int,
    weekly_email_hour: int,
    now: datetime | None = None,
) -> User:
    """Save the person's zone, language and weekly e-mail day and hour; the next send time of each
    weekly stream follows a change of zone, day or hour at once (neither skipped nor doubled: see
    accounts/weekly.py). Raises ValidationError on a bad value."""
    now = now or timezone.now()
    user.time_zone = canonical_timezone(time_zone)
    user.language = language
    user.weekly_email_weekday = weekly_email_weekday
    user.weekly_email_hour = weekly_email_hour
    user.full_clean(validate_unique=False, validate_constraints=False)
    fields = ["time_zone", "language", "weekly_email_weekday", "weekly_email_hour"]
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        timing = (locked.time_zone, locked.weekly_email_weekday, locked.weekly_email_hour)
        if timing != (user.time_zone, user.weekly_email_weekday, user.weekly_email_hour) or any(
            getattr(locked, stream.due_field) is None for stream in Stream
        ):
            for stream in Stream:
                due = weekly_due_on_change(
                    now=now,
                    last_ran_at=getattr(locked, stream.ran_field),
                    zone=user.time_zone,
                    weekday=user.weekly_email_weekday,
                    hour=user.weekly_email_hour,
                )
                setattr(user, stream.due_field, due)
                fields.append(stream.due_field)
        user.save(update_fields=fields)
    return user


def weekly_stream_ran(
    *, stream: Stream, user_ids: Iterable[int] | QuerySet[Any, Any], ran_at: datetime
) -> int:
    """Record that `stream` ran at `ran_at` for these people (those whose time had come by then), and
    set each one's next time: one query to read their settings, one UPDATE per distinct next time (people
    share a few zones and hours). A person whose time moved past `ran_at` meanwhile (a change in Settings)
    keeps it. Returns how many were moved on."""
    due_by = stream.due_by(ran_at)
    ids = user_ids if isinstance(user_ids, QuerySet) else list(user_ids)  # a query: a subquery
    rows = User.objects.filter(due_by, pk__in=ids).values_list(
        "pk", "time_zone", "weekly_email_weekday", "weekly_email_hour"
    )
    return _moved_on(stream, rows, ran_at=ran_at, due_by=due_by)


def weekly_stream_ran_for_others(*, stream: Stream, ran_at: datetime, exclude: Q) -> int:
    """Move on the people whose time for `stream` came by `ran_at` but who get nothing from it (not a
    learner with reminders, not a mentor with mentees: `exclude` selects those who do), so that nobody
    holds a past time that would send at once when they become one."""
    due_by = stream.due_by(ran_at)
    rows = (
        User.objects.filter(due_by)
        .exclude(exclude)
        .values_list("pk", "time_zone", "weekly_email_weekday", "weekly_email_hour")
    )
    return _moved_on(stream, rows, ran_at=ran_at, due_by=due_by)


def _moved_on(
    stream: Stream,
    rows: Iterable[tuple[int, str, int, int]],
    *,
    ran_at: datetime,
    due_by: Q,
) -> int:
    next_times: dict[tuple[str, int, int], datetime] = {}
    groups: dict[datetime, list[int]] = defaultdict(list)
    for pk, zone, weekday, hour in rows:
        timing = (zone, weekday, hour)
        if timing not in next_times:
            next_times[timing] = weekly_due_after_run(ran_at=ran_at, zone=zone, weekday=weekday, hour=hour)
        groups[next_times[timing]].append(pk)
    moved = 0
    for due, ids in groups.items():
        moved += User.objects.filter(due_by, pk__in=ids).update(
            **{stream.due_field: due, stream.ran_field: ran_at}
        )
    return moved


def weekly_streams_schedule(*, user: User, now: datetime | None = None) -> None:
    """Set a new account's next send times: the next slot of its settings (sign-up, on the account not
    yet saved: its row is written once)."""
    now = now or timezone.now()
    due = weekly_slot_on_or_after(
        moment=now, zone=user.time_zone, weekday=user.weekly_email_weekday, hour=user.weekly_email_hour
    )
    for stream in Stream:
        setattr(user, stream.due_field, due)
