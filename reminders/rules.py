"""Which reminder, if any, a learner gets: one pure function of their standing and preferences.

- Paused and completed enrolments, and learners who turned reminders off, get nothing; so does a
  learner whose week 1 has not started yet.
- Behind (any overdue week) → "behind"; but a learner who has done nothing for a while
  (`progress.predicates.is_inactive`) gets the gentler "inactive" message instead of a list of what
  is overdue.
- On track or ahead → "weekly" (the plan of the week they work on), only with the "every week"
  cadence; an inactive learner gets "inactive" instead.
- "Only when I am behind" → behind (or inactive and behind) only.
"""

from datetime import datetime
from typing import Protocol

from progress.models import Enrolment
from progress.predicates import is_inactive

WEEKLY = "weekly"
BEHIND = "behind"
GONE_QUIET = "inactive"  # the reminder for a learner `progress.predicates.is_inactive` says has gone quiet

Cadence = Enrolment.ReminderCadence
REMINDED_STATES = ("on_track", "behind", "ahead")


class StandingFacts(Protocol):
    """What the rule reads: a stored `progress.Standing` (as the reminder run reads it, the values of
    `reminders.selectors.StoredFacts`) or a `progress.schedule.Schedule`."""

    @property
    def state(self) -> str: ...
    @property
    def planned_week(self) -> int | None: ...
    @property
    def current_week(self) -> int | None: ...
    @property
    def weeks_behind(self) -> int: ...


def reminder_kind_for(
    *, standing: StandingFacts, cadence: str, last_active_at: datetime, now: datetime
) -> str | None:
    """The kind of reminder due (WEEKLY / BEHIND / GONE_QUIET), or None when nothing should be sent."""
    if cadence not in (Cadence.WEEKLY, Cadence.WHEN_BEHIND):
        return None
    if standing.planned_week is None or standing.state not in REMINDED_STATES:
        return None
    inactive = is_inactive(last_activity_at=last_active_at, now=now)
    if standing.weeks_behind:
        return GONE_QUIET if inactive else BEHIND
    if cadence == Cadence.WHEN_BEHIND:
        return None
    return GONE_QUIET if inactive else WEEKLY
