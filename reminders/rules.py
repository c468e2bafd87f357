"""Which reminder, if any, a learner gets: one pure function of their schedule and preferences.

- Paused and completed enrolments, and learners who turned reminders off, get nothing; so does a
  learner whose week 1 has not started yet.
- Behind (any overdue week) → "behind"; but a learner who has done nothing for 14 days or more gets
  the gentler "inactive" message instead of a list of what is overdue.
- On track → "weekly" (this week's plan), only with the "every week" cadence; an on-track learner
  inactive for 14+ days (they worked ahead) gets "inactive" too.
- "Only when I am behind" → behind (or inactive and behind) only.
"""

from datetime import datetime, timedelta

from progress.schedule import Schedule

WEEKLY = "weekly"
BEHIND = "behind"
INACTIVE = "inactive"

CADENCE_WEEKLY = "weekly"
CADENCE_WHEN_BEHIND = "when_behind"

INACTIVE_AFTER = timedelta(days=14)


def is_inactive(*, last_active_at: datetime, now: datetime) -> bool:
    return now - last_active_at >= INACTIVE_AFTER


def reminder_kind_for(
    *, schedule: Schedule, cadence: str, last_active_at: datetime, now: datetime
) -> str | None:
    """The kind of reminder due (WEEKLY / BEHIND / INACTIVE), or None when nothing should be sent."""
    if cadence not in (CADENCE_WEEKLY, CADENCE_WHEN_BEHIND):
        return None
    if schedule.current_week is None or schedule.state not in ("on_track", "behind"):
        return None
    inactive = is_inactive(last_active_at=last_active_at, now=now)
    if schedule.is_behind:
        return INACTIVE if inactive else BEHIND
    if cadence == CADENCE_WHEN_BEHIND:
        return None
    return INACTIVE if inactive else WEEKLY
