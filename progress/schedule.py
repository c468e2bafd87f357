"""A learner's dated schedule, computed from the enrolment alone: one pure function, no database.

Views, the API, reminders, the mentor dashboard and the iCalendar feed all call `build_schedule`, so
they agree on which week a learner is in and what is overdue.

The rules:
- Week 1 starts on the start date; each week lasts 7 / pace days (pace 1: a week; pace 0.5: two weeks),
  rounded to whole days from the anchor so that no drift accumulates.
- A *shift* re-anchors the plan: week `from_week` starts on `starts_on` and the later weeks follow at
  the pace. Catch-up re-plans and resumptions after a pause are shifts. Shifts apply in the order they
  were made; a shift replaces any earlier shift that starts at the same or a later week.
- While an enrolment is paused, time stands still at the day it was paused: nothing becomes overdue.
- A week is overdue when its last day is before today and it is not completed; "behind by N weeks"
  counts the overdue weeks.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

TOTAL_WEEKS = 52

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Shift:
    from_week: int
    starts_on: date


@dataclass(frozen=True, slots=True)
class PlannedWeek:
    number: int
    starts_on: date
    ends_on: date
    status: str
    is_current: bool
    is_overdue: bool

    @property
    def is_completed(self) -> bool:
        return self.status == COMPLETED


@dataclass(frozen=True)
class Schedule:
    weeks: tuple[PlannedWeek, ...]
    today: date
    current_week: int | None
    """The week whose dates contain today; None before week 1 starts; the last week after the end."""
    state: str
    """One of "not_started", "on_track", "behind", "paused", "completed"."""

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
        return state_label(self.state, self.weeks_behind)

    def week(self, number: int) -> PlannedWeek:
        return self.weeks[number - 1]


def state_label(state: str, weeks_behind: int) -> str:
    if state == "behind":
        plural = "s" if weeks_behind != 1 else ""
        return f"Behind by {weeks_behind} week{plural}"
    return {
        "not_started": "Starts soon",
        "on_track": "On track",
        "paused": "Paused",
        "completed": "Completed",
    }[state]


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a learner stands, without the dated weeks: what lists of many learners need."""

    current_week: int | None
    weeks_behind: int
    state: str

    @property
    def label(self) -> str:
        return state_label(self.state, self.weeks_behind)


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


def _timeline(
    *,
    start_date: date,
    pace: Decimal,
    today: date,
    shifts: Iterable[Shift],
    paused_on: date | None,
    total_weeks: int,
) -> tuple[list[int], int, int | None]:
    """The start of every week and of the week after the last, and the day time stands at (as day
    ordinals: integers compare and add faster than dates), and the current week."""
    if pace <= 0:
        raise ValueError("pace must be positive")
    pace_hundredths = int(Decimal(pace) * 100)
    anchors = effective_shifts([Shift(1, start_date), *(s for s in shifts if s.from_week >= 1)])
    starts: list[int] = []
    for index, anchor in enumerate(anchors):
        last = anchors[index + 1].from_week - 1 if index + 1 < len(anchors) else total_weeks + 1
        first = max(anchor.from_week, len(starts) + 1)
        if last < first:
            continue
        base = anchor.starts_on.toordinal()
        offsets = _offsets(pace_hundredths, last - anchor.from_week + 1)
        starts.extend(base + offset for offset in offsets[first - anchor.from_week :])
    as_of = (min(today, paused_on) if paused_on else today).toordinal()

    current: int | None = None
    if as_of >= starts[0]:
        current = total_weeks
        for number in range(1, total_weeks + 1):
            if starts[number - 1] <= as_of < starts[number]:
                current = number
                break
    return starts, as_of, current


def _state(*, all_completed: bool, paused: bool, current: int | None, behind: bool) -> str:
    if all_completed:
        return "completed"
    if paused:
        return "paused"
    if current is None:
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
    total_weeks: int = TOTAL_WEEKS,
) -> Schedule:
    """The dated schedule of an enrolment as seen on `today` (a date in the learner's time zone).

    `statuses` maps week numbers to "not_started" / "in_progress" / "completed" (missing: not started).
    """
    statuses = statuses or {}
    starts, as_of, current = _timeline(
        start_date=start_date, pace=pace, today=today, shifts=shifts, paused_on=paused_on,
        total_weeks=total_weeks,
    )  # fmt: skip
    weeks = []
    for number in range(1, total_weeks + 1):
        ends = max(starts[number] - 1, starts[number - 1])
        status = statuses.get(number, NOT_STARTED)
        is_overdue = ends < as_of and status != COMPLETED
        weeks.append(
            PlannedWeek(
                number,
                date.fromordinal(starts[number - 1]),
                date.fromordinal(ends),
                status,
                number == current,
                is_overdue,
            )
        )

    state = _state(
        all_completed=all(week.is_completed for week in weeks),
        paused=bool(paused_on),
        current=current,
        behind=any(week.is_overdue for week in weeks),
    )
    return Schedule(weeks=tuple(weeks), today=today, current_week=current, state=state)


def schedule_standing(
    *,
    start_date: date,
    pace: Decimal,
    today: date,
    completed_mask: int,
    shifts: Iterable[Shift] = (),
    paused_on: date | None = None,
    total_weeks: int = TOTAL_WEEKS,
) -> Standing:
    """What `build_schedule` says of the current week, the overdue count and the state, for the weeks
    completed in `completed_mask` (bit n-1 set: week n completed), without building the dated weeks.

    The mentor dashboard computes this for hundreds of learners per page."""
    starts, as_of, current = _timeline(
        start_date=start_date, pace=pace, today=today, shifts=shifts, paused_on=paused_on,
        total_weeks=total_weeks,
    )  # fmt: skip
    overdue = 0
    for number in range(1, total_weeks + 1):
        # A week ends the day before the next starts (never before its own start): overdue once that
        # day is past and it is not completed, as in build_schedule.
        if (
            starts[number] - 1 < as_of
            and starts[number - 1] < as_of
            and not completed_mask >> (number - 1) & 1
        ):
            overdue += 1
    all_completed = completed_mask & ((1 << total_weeks) - 1) == (1 << total_weeks) - 1
    state = _state(all_completed=all_completed, paused=bool(paused_on), current=current, behind=overdue > 0)
    return Standing(current_week=current, weeks_behind=overdue, state=state)


def same_weekday_on_or_before(day: date, weekday: int) -> date:
    """The latest date not after `day` that falls on `weekday` (0 = Monday)."""
    return day - timedelta(days=(day.weekday() - weekday) % 7)
