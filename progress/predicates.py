"""Where a learner stands, each rule once: as a condition on rows in SQL (the mentor table, its
workspace, the digest and reminders filter and count by them) and as its Python twin for a row in hand.
`tests/progress/test_predicates.py` checks that each pair agrees on generated rows. Other apps call
these; none spells the rule again.

`prefix` is the path from the queried model to the row that holds the field: "" on the model itself,
"standing__" for a standing from an enrolment, "enrolment__" for an enrolment from a standing.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, Expression, F, Func, Q, Value
from django.db.models.expressions import Combinable

INACTIVE_AFTER = timedelta(days=14)
"""A learner with no activity for this long is *inactive*: mentors see a flag, reminders change tone."""


def inactive_days() -> int:
    """The inactive threshold in days, for the words that name it ("Inactive ≥ 14 days")."""
    return INACTIVE_AFTER.days


def inactive(*, now: datetime, prefix: str = "") -> Q:
    """Enrolments (`prefix` to one) whose learner has done nothing for INACTIVE_AFTER at `now`."""
    return Q(**{f"{prefix}last_activity_at__lte": now - INACTIVE_AFTER})


def is_inactive(*, last_activity_at: datetime, now: datetime) -> bool:
    """`inactive`'s twin."""
    return now - last_activity_at >= INACTIVE_AFTER


def behind(*, prefix: str = "standing__") -> Q:
    """Standings (`prefix` to one; from an enrolment by default) with at least one week overdue."""
    return Q(**{f"{prefix}weeks_behind__gt": 0})


def is_behind(*, weeks_behind: int) -> bool:
    """`behind`'s twin."""
    return weeks_behind > 0


def behind_by(weeks: int, *, or_more: bool = False, prefix: str = "standing__") -> Q:
    """Standings exactly `weeks` behind (`or_more`: at least that many); 0 is not behind."""
    return Q(**{f"{prefix}weeks_behind__gte" if or_more else f"{prefix}weeks_behind": weeks})


def is_behind_by(weeks: int, *, weeks_behind: int, or_more: bool = False) -> bool:
    """`behind_by`'s twin."""
    return weeks_behind >= weeks if or_more else weeks_behind == weeks


class NextMidnight(Func):
    """The learner's next midnight after `now` in their time zone (a column of time-zone names), in SQL:
    `progress.selectors.next_midnight_for`'s twin, for lists that need each row's day (the mentor
    table's cards due today). PostgreSQL converts through the zone's rules; SQLite, used only for
    development, has none and takes UTC's midnight."""

    output_field = DateTimeField()

    def __init__(self, now: datetime, zone: str | Combinable | Expression) -> None:
        zone_expression = F(zone) if isinstance(zone, str) else zone
        super().__init__(Value(now, output_field=DateTimeField()), zone_expression)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        template = "((date_trunc('day', %(expressions)s) + interval '1 day') AT TIME ZONE %(zone)s)"
        now_sql, now_params = compiler.compile(self.source_expressions[0])
        zone_sql, zone_params = compiler.compile(self.source_expressions[1])
        local = f"({now_sql} AT TIME ZONE {zone_sql})"
        sql = template % {"expressions": local, "zone": zone_sql}
        return sql, [*now_params, *zone_params, *zone_params]

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        now_sql, now_params = compiler.compile(self.source_expressions[0])
        return f"datetime(date({now_sql}), '+1 day')", now_params


def next_midnight(*, now: datetime, zone: str) -> datetime:
    """`NextMidnight`'s twin: the first midnight after `now` where the learner lives."""
    local_zone = ZoneInfo(zone)
    tomorrow = now.astimezone(local_zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=local_zone)
