"""A learner's dated schedule, computed from the enrolment alone: one pure function, no database.

Views, the API, reminders, the mentor dashboard and the iCalendar feed all call `build_schedule`, so
they agree on which week a learner is in and what is overdue.

The rules:
- Week 1 starts on the start date; each week lasts 7 / pace days (pace 1: a week; pace 0.5: two weeks),
  rounded to whole days from the anchor so that no drift accumulates.
- A *shift* re-anchors the plan: week `from_week` starts on `starts_on` and the later weeks follow at
  the pace. Catch-up re-plans and resumptions after a pause are shifts. Shifts apply in the order they
  were made; a shift replaces any earlier shift that starts at the same or a later week.
- A shift may carry a *pace* (a pace change is a shift): from its week on, weeks follow at that pace,
  as do the weeks of later shifts that name none; weeks before it keep the dates they had. A shift
  with no pace follows the pace in force before it (the enrolment's pace, for the first).
- A shift may name weeks it *skips* (a re-plan skips the weeks already completed after its first week):
  in the part of the plan that shift anchors, a skipped week takes no slot. It starts and ends on the
  day the next week with a slot starts, is never the planned week, and the weeks after it move up.
- While an enrolment is paused, time stands still at the day it was paused: nothing becomes overdue.
- A week is overdue when its last day is before today and it is not completed; "behind by N weeks"
  counts the overdue weeks.
- The *planned* week is the one whose dates contain today. A learner who has completed every week up
  to and including the planned one, and more, is *ahead*: "ahead by N weeks" counts the completed weeks
  after the planned one (before week 1 starts: all completed weeks), and their *current* week, the one
  to work on, is the first week they have not completed. Otherwise the current week is the planned one.
- The schedule changes by itself only when a week starts (the planned week moves on) or ends (it may
  become overdue): `changes_on` is the next such date (None when paused, or after the last week).

The number of weeks comes from the curriculum (callers pass it): nothing here assumes a number.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext, gettext_lazy, ngettext

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Shift:
    from_week: int
    starts_on: date
    skipped: frozenset[int] = frozenset()
    """Weeks that take no slot in the part of the plan this shift anchors."""
    pace: Decimal | None = None
    """Curriculum weeks per calendar week from this shift on; None: the pace in force before it."""


@dataclass(frozen=True, slots=True)
class PlannedWeek:
    number: int
    starts_on: date
    ends_on: date
    status: str
    is_current: bool
    is_overdue: bool
    has_slot: bool = True
    """False for a week a re-plan skipped: it takes no days of the plan."""

    @property
    def is_completed(self) -> bool:
        return self.status == COMPLETED

    @property
    def tag(self) -> tuple[str, str]:
        """As the schedule tables show the week: the tag's tone (a CSS class, "" for none) and words."""
        if self.is_completed:
            return "ok", gettext("Completed")
        if self.is_overdue:
            return "bad", gettext("Overdue")
        if self.status == IN_PROGRESS:
            return "warn", gettext("In progress")
        return "", gettext("Not started")


STATES = ("not_started", "on_track", "behind", "ahead", "paused", "completed")
STATE_TONES = {"behind": "bad", "paused": "warn", "not_started": "warn"}


@dataclass(frozen=True)
class Schedule:
    weeks: tuple[PlannedWeek, ...]
    today: date
    planned_week: int | None
    """The week whose dates contain today; None before week 1 starts; the last week after the end."""
    current_week: int | None
    """The week to work on: the planned week, or the first week not completed when ahead."""
    state: str
    """One of STATES."""
    weeks_ahead: int
    changes_on: date | None
    """The next date on which this schedule changes with no write (a week starts); None: never."""
    pace: Decimal = Decimal("1")
    """The learner's pace: that of the part of the plan holding the week after the planned one (a pace
    change applies from next week on; week 1's before the start)."""

    @property
    def overdue(self) -> list[PlannedWeek]:
        return [week for week in self.weeks if week.is_overdue]

    @property
    def weeks_behind(self) -> int:
        return len(self.overdue)

    @property
    def is_behind(self) -> bool:
        return self.weeks_behind > 0

    @property
    def completed_count(self) -> int:
        return sum(week.is_completed for week in self.weeks)

    @property
    def first_uncompleted(self) -> PlannedWeek | None:
        return next((week for week in self.weeks if not week.is_completed), None)

    @property
    def label(self) -> str:
        return state_label(self.state, weeks_behind=self.weeks_behind, weeks_ahead=self.weeks_ahead)

    @property
    def tone(self) -> str:
        """The state's tag as pages colour it (a CSS class): bad when behind, warn while paused or
        before the start, ok otherwise."""
        return STATE_TONES.get(self.state, "ok")

    def week(self, number: int) -> PlannedWeek:
        return self.weeks[number - 1]

    def slotless_from(self, number: int) -> list[int]:
        """The weeks from `number` on that a re-plan left without a slot (a new shift keeps them so)."""
        return [week.number for week in self.weeks[number - 1 :] if not week.has_slot]


def weeks_phrase(count: int) -> str:
    return ngettext("%(count)s week", "%(count)s weeks", count) % {"count": count}


STATE_LABELS = {
    "not_started": gettext_lazy("Starts soon"),
    "on_track": gettext_lazy("On track"),
    "paused": gettext_lazy("Paused"),
    "completed": gettext_lazy("Completed"),
}


def state_label(state: str, *, weeks_behind: int, weeks_ahead: int) -> str:
    """The state in words, in the active language ("Behind by 2 weeks")."""
    if state == "behind":
        return ngettext("Behind by %(count)s week", "Behind by %(count)s weeks", weeks_behind) % {
            "count": weeks_behind
        }
    if state == "ahead":
        return ngettext("Ahead by %(count)s week", "Ahead by %(count)s weeks", weeks_ahead) % {
            "count": weeks_ahead
        }
    return str(STATE_LABELS[state])


def effective_shifts(shifts: Iterable[Shift]) -> list[Shift]:
    """Apply shifts in the order made: each one drops earlier shifts from its week on."""
    kept: list[Shift] = []
    for shift in shifts:
        kept = [earlier for earlier in kept if earlier.from_week < shift.from_week]
        kept.append(shift)
    return sorted(kept, key=lambda shift: shift.from_week)


def _days_after_anchor(weeks: int, pace_hundredths: int) -> int:
    """round(weeks * 7 / pace) in whole days, halves to even, in exact integer arithmetic (it is hot:
    the mentor dashboard and the reminder run compute thousands of schedules)."""
    quotient, remainder = divmod(weeks * 700, pace_hundredths)
    if 2 * remainder > pace_hundredths or (2 * remainder == pace_hundredths and quotient % 2):
        quotient += 1
    return quotient


@lru_cache(maxsize=256)
def _offsets(pace_hundredths: int, count: int) -> tuple[int, ...]:
    """Days from an anchor to the start of each of the `count` weeks that follow it, first included."""
    return tuple(_days_after_anchor(weeks, pace_hundredths) for weeks in range(count))


def _slot_offsets(pace_hundredths: int, numbers: range, skipped: frozenset[int]) -> list[int]:
    """Days from an anchor to the start of each week in `numbers` (the anchor's week first), when the
    `skipped` weeks take no slot: a skipped week starts where the next week with a slot starts."""
    if not skipped:
        return list(_offsets(pace_hundredths, len(numbers)))
    offsets, slots = [], 0
    for number in numbers:
        offsets.append(_days_after_anchor(slots, pace_hundredths))
        slots += number not in skipped
    return offsets


def _timeline(
    *,
    start_date: date,
    pace: Decimal,
    today: date,
    shifts: Iterable[Shift],
    paused_on: date | None,
    total_weeks: int,
) -> tuple[list[int], int, int | None, Decimal]:
    """The start of every week and of the week after the last, and the day time stands at (as day
    ordinals: integers compare and add faster than dates), the planned week (a week without a slot
    starts where the next one does, so it never contains a day), and the pace in force at it."""
    if pace <= 0 or any(shift.pace is not None and shift.pace <= 0 for shift in shifts):
        raise ValueError("pace must be positive")
    anchors = effective_shifts([Shift(1, start_date, pace=pace), *(s for s in shifts if s.from_week >= 1)])
    starts: list[int] = []
    segment_paces: list[tuple[int, Decimal]] = []  # (first week, pace) of each part of the plan
    in_force = Decimal(pace)
    for index, anchor in enumerate(anchors):
        in_force = Decimal(anchor.pace) if anchor.pace is not None else in_force
        last = anchors[index + 1].from_week - 1 if index + 1 < len(anchors) else total_weeks + 1
        first = max(anchor.from_week, len(starts) + 1)
        if last < first:
            continue
        base = anchor.starts_on.toordinal()
        offsets = _slot_offsets(int(in_force * 100), range(anchor.from_week, last + 1), anchor.skipped)
        starts.extend(base + offset for offset in offsets[first - anchor.from_week :])
        segment_paces.append((first, in_force))
    as_of = (min(today, paused_on) if paused_on else today).toordinal()

    current: int | None = None
    if as_of >= starts[0]:
        current = total_weeks
        for number in range(1, total_weeks + 1):
            if starts[number - 1] <= as_of < starts[number]:
                current = number
                break
    pace_now = next(p for first, p in reversed(segment_paces) if first <= (current or 0) + 1)
    return starts, as_of, current, pace_now


def _state(*, all_completed: bool, paused: bool, planned: int | None, behind: bool, ahead: bool) -> str:
    if all_completed:
        return "completed"
    if paused:
        return "paused"
    if ahead:
        return "ahead"
    if planned is None:
        return "not_started"
    return "behind" if behind else "on_track"


def build_schedule(
    *,
    start_date: date,
    pace: Decimal,
    today: date,
    statuses: Mapping[int, str] | None = None,
    shifts: Iterable[Shift] = (),
    paused_on: date | None = None,
    total_weeks: int,
) -> Schedule:
    """The dated schedule of an enrolment as seen on `today` (a date in the learner's time zone).

    `statuses` maps week numbers to "not_started" / "in_progress" / "completed" (missing: not started).
    """
    statuses = statuses or {}
    if total_weeks < 1:
        raise ValueError("a schedule needs at least one week")
    starts, as_of, planned, pace_now = _timeline(
        start_date=start_date, pace=pace, today=today, shifts=shifts, paused_on=paused_on,
        total_weeks=total_weeks,
    )  # fmt: skip
    weeks = []
    # Days on which something changes by itself: a week starts (the planned week may move), or the day
    # after a week's last day (it becomes overdue; a shift can make a week end before the next starts).
    turns = set(starts)
    for number in range(1, total_weeks + 1):
        ends = max(starts[number] - 1, starts[number - 1])
        turns.add(ends + 1)
        status = statuses.get(number, NOT_STARTED)
        is_overdue = ends < as_of and status != COMPLETED
        weeks.append(
            PlannedWeek(
                number,
                date.fromordinal(starts[number - 1]),
                date.fromordinal(ends),
                status,
                number == planned,
                is_overdue,
                starts[number] > starts[number - 1],
            )
        )

    first_open = next((week.number for week in weeks if not week.is_completed), None)
    done_in_a_row = (first_open or total_weeks + 1) - 1
    weeks_ahead = max(0, done_in_a_row - (planned or 0))
    current = first_open if weeks_ahead and first_open else planned
    state = _state(
        all_completed=first_open is None,
        paused=bool(paused_on),
        planned=planned,
        behind=any(week.is_overdue for week in weeks),
        ahead=weeks_ahead > 0,
    )
    changes_on = None
    # Time stands still from the day of a pause; before it (a pause dated in the learner's future, e.g.
    # after they moved to a time zone behind) the plan still moves until that day.
    until = paused_on.toordinal() if paused_on else None
    next_turn = min((day for day in turns if day > as_of), default=None)
    if next_turn is not None and (until is None or next_turn <= until):
        changes_on = date.fromordinal(next_turn)
    return Schedule(
        weeks=tuple(weeks),
        today=today,
        planned_week=planned,
        current_week=current,
        state=state,
        weeks_ahead=weeks_ahead if state == "ahead" else 0,
        changes_on=changes_on,
        pace=pace_now,
    )


def replan_shift(schedule: Schedule, *, week_start: date) -> Shift | None:
    """The re-plan of a schedule: its first unfinished week starts on `week_start` (the start of this
    week) and the weeks after it follow, except those already completed, which take no slot. None when
    every week is completed.

    Behind, the plan is re-anchored at the first unfinished week and moves later. Ahead, it is
    re-anchored just after the planned week, whose completed successors take no slot, and moves
    earlier: the first unfinished week becomes the planned one."""
    first_open = schedule.first_uncompleted
    if first_open is None:
        return None
    planned = schedule.planned_week
    from_week = first_open.number if planned is None or first_open.number <= planned else planned + 1
    done = frozenset(week.number for week in schedule.weeks[from_week - 1 :] if week.is_completed)
    return Shift(from_week, week_start, done, schedule.pace)


def same_weekday_on_or_before(day: date, weekday: int) -> date:
    """The latest date not after `day` that falls on `weekday` (0 = Monday)."""
    return day - timedelta(days=(day.weekday() - weekday) % 7)
