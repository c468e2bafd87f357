"""Plan against actual, and the finish forecast: pure functions of dates (tested with frozen days).

- *Planned*: the first plan (start date and pace, no re-plan, no pause): by the end of week n, n weeks.
- *Current plan*: the plan as re-planned and resumed (`progress.schedule`, what the learner follows now).
- *Actual*: the weeks completed, counted on the day each was marked completed.
- *Forecast*: the learner's own pace so far (weeks completed per active day: pauses do not count)
  carried on over the weeks left; too early to tell (under two weeks done or two weeks gone), the
  current plan's last day.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from progress.schedule import PlannedWeek


@dataclass(frozen=True)
class Pause:
    starts: date
    ends: date
    """The day it ended (resumed), or today for a pause still on."""


def plan_points(weeks: Sequence[PlannedWeek], *, start: date) -> list[tuple[date, float]]:
    """A step line: 0 on `start`, then n on the day after week n's last day (weeks without a slot, which
    a re-plan skipped, end where the next begins and add their count there)."""
    points: list[tuple[date, float]] = [(start, 0)]
    for index, week in enumerate(weeks, start=1):
        points.append((week.ends_on + timedelta(days=1), index))
    return points


def actual_points(completed_on: Iterable[date], *, start: date, today: date) -> list[tuple[date, float]]:
    """The count of completed weeks over time, from 0 on `start` to the count on `today`. A week marked
    completed before the start (learners may work ahead) counts from the start."""
    days = sorted(max(day, start) for day in completed_on)
    points: list[tuple[date, float]] = [(start, 0)]
    for count, day in enumerate(days, start=1):
        points.append((day, count))
    points.append((max(today, points[-1][0]), len(days)))
    return points


def active_days(*, start: date, today: date, pauses: Iterable[Pause]) -> int:
    """Days from `start` to `today` not spent paused."""
    paused = sum(max(0, (min(p.ends, today) - max(p.starts, start)).days) for p in pauses)
    return max(0, (today - start).days - paused)


@dataclass(frozen=True)
class Forecast:
    finish_on: date | None
    basis: str
    """"finished", "pace" (the learner's pace so far) or "plan" (too early: the current plan)."""
    weeks_versus_plan: int = 0
    """Weeks after (positive) or before (negative) the current plan's last day."""


MIN_WEEKS_FOR_PACE = 2
MIN_DAYS_FOR_PACE = 14


def finish_forecast(
    *,
    start: date,
    today: date,
    completed_on: Sequence[date],
    total_weeks: int,
    plan_ends_on: date,
    pauses: Iterable[Pause] = (),
) -> Forecast:
    done = len(completed_on)
    if done >= total_weeks:
        return Forecast(max(completed_on) if completed_on else today, "finished")
    days = active_days(start=start, today=today, pauses=pauses)
    if done < MIN_WEEKS_FOR_PACE or days < MIN_DAYS_FOR_PACE:
        return Forecast(plan_ends_on, "plan")
    left = total_weeks - done
    finish = today + timedelta(days=round(left * days / done))
    return Forecast(finish, "pace", round((finish - plan_ends_on).days / 7))
