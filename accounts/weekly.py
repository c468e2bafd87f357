"""When a person's weekly e-mails go: at their own weekday and hour, in their own time zone.

A weekly stream (the learner's reminder, the mentor's digest) stores its next send time on the person
(`User.reminder_due_at`, `User.digest_due_at`) and when it last ran (`…_ran_at`): the quarter-hourly beat
picks the rows whose time has come, as `progress.Standing.refresh_due_at` is picked. One pure function
says what that time is, so that sending, signing up and changing one's zone, weekday or hour agree:

- after a run, the next slot at least `AFTER_RUN` later (a run comes at or after its slot, so this is
  next week's; after a first run off the slot — a new account, a catch-up — the coming one);
- after a change of zone, weekday or hour, the first slot of the new settings that is not within
  `MIN_GAP` of the last run (no second e-mail in a week), and a slot of the last `CATCH_UP` still
  counts (moving the hour earlier on the morning itself sends now rather than skipping the week).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MIN_GAP = timedelta(days=6)
"""The shortest time between two runs of a stream: a week less a day, so that a new zone (up to 26 hours
apart) or a daylight-saving change never makes a run early enough to count as the same week's."""

AFTER_RUN = timedelta(days=1)
"""The shortest time from a run to the next one of the same settings."""

CATCH_UP = timedelta(days=1)
"""How long a slot that has just passed still counts when the settings change (see above)."""

WEEKDAYS = range(7)
HOURS = range(24)


def weekly_slot_on_or_after(*, moment: datetime, zone: str, weekday: int, hour: int) -> datetime:
    """The first instant at or after `moment` that is `weekday` (0 Monday) at `hour`:00 in `zone`, as UTC.

    A local time that does not exist (a spring-forward gap) is read as the clock shows it after the
    jump; one that happens twice, the first time (PEP 495 `fold=0`)."""
    local_zone = ZoneInfo(zone)
    local_day = moment.astimezone(local_zone).date()
    first = local_day + timedelta(days=(weekday - local_day.weekday()) % 7)
    for day in (first, first + timedelta(days=7), first + timedelta(days=14)):
        slot = _instant(day, hour, local_zone)
        if slot >= moment:
            return slot
    raise AssertionError("unreachable: a week always holds the slot")  # pragma: no cover


def _instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def weekly_due_after_run(*, ran_at: datetime, zone: str, weekday: int, hour: int) -> datetime:
    """The next send time after a run at `ran_at`: the first slot at least `AFTER_RUN` later."""
    return weekly_slot_on_or_after(moment=ran_at + AFTER_RUN, zone=zone, weekday=weekday, hour=hour)


def weekly_due_on_change(
    *, now: datetime, last_ran_at: datetime | None, zone: str, weekday: int, hour: int
) -> datetime:
    """The next send time when a person's zone, weekday or hour is set (signing up, Settings, admin).

    Never within `MIN_GAP` of the last run; a slot missed by less than `CATCH_UP` is due now (the time
    returned is in the past, so the next beat sends it). Without a run yet, the next slot from now."""
    if last_ran_at is None:
        return weekly_slot_on_or_after(moment=now, zone=zone, weekday=weekday, hour=hour)
    earliest = max(last_ran_at + MIN_GAP, now - CATCH_UP)
    return weekly_slot_on_or_after(moment=earliest, zone=zone, weekday=weekday, hour=hour)
