"""Reads of enrolments and progress, scoped to the requesting user."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Case, F, QuerySet, When
from django.utils import timezone

from curriculum.models import Phase, Week
from curriculum.selectors import week_count, week_phase_numbers
from progress.models import Enrolment, ScheduleChange, Standing, WeekProgress
from progress.predicates import next_midnight
from progress.schedule import PlannedWeek, Schedule, Shift, build_schedule
from progress.scope import CURRENT_STATUSES

PhaseKey = TypeVar("PhaseKey")


def today_for(enrolment: Enrolment) -> date:
    """Today's date where the learner lives."""
    return timezone.now().astimezone(ZoneInfo(enrolment.timezone)).date()


def stood_still_on(enrolment: Enrolment) -> date | None:
    """The day the enrolment's time stands still from: the day it was paused, or the day the learner
    left the curriculum (nothing becomes overdue after it); None while it runs."""
    if enrolment.status == Enrolment.Status.PAUSED:
        return enrolment.paused_on
    if enrolment.status == Enrolment.Status.LEFT:  # left while paused: from the pause
        return min(filter(None, (enrolment.paused_on, enrolment.ended_on)), default=None)
    return None


def next_midnight_for(enrolment: Enrolment) -> datetime:
    """When the learner's date changes next (their current week, overdue weeks… may change with it)."""
    return next_midnight(now=timezone.now(), zone=enrolment.timezone)


def shifts_by_enrolment(*, enrolment_ids: Iterable[int] | QuerySet[Any]) -> dict[int, list[Shift]]:
    """The schedule changes of many enrolments as the schedule rule takes them, in the order made (one
    query; tuples, not model instances: lists of thousands of learners read them)."""
    shifts: dict[int, list[Shift]] = defaultdict(list)
    for enrolment_id, from_week, starts_on, skipped, pace in (
        ScheduleChange.objects.filter(enrolment_id__in=enrolment_ids)
        .order_by("created_at", "id")
        .values_list("enrolment_id", "from_week", "starts_on", "skipped_weeks", "pace")
    ):
        shifts[enrolment_id].append(Shift(from_week, starts_on, frozenset(skipped or ()), pace))
    return shifts


def schedule_for(
    enrolment: Enrolment,
    *,
    statuses: Mapping[int, str] | None = None,
    shifts: list[Shift] | None = None,
    today: date | None = None,
    total_weeks: int | None = None,
) -> Schedule:
    """The enrolment's schedule by `build_schedule`; pass what is already loaded to save its query
    (statuses by week number, shifts in the order made, the curriculum's number of weeks)."""
    if statuses is None:
        statuses = dict(
            WeekProgress.objects.filter(enrolment=enrolment).values_list("week__number", "status")
        )
    if shifts is None:
        shifts = [change.shift for change in enrolment.schedule_changes.all()]
    return build_schedule(
        start_date=enrolment.start_date,
        pace=enrolment.pace,
        today=today or today_for(enrolment),
        statuses=statuses,
        shifts=shifts,
        paused_on=stood_still_on(enrolment),
        total_weeks=week_count() if total_weeks is None else total_weeks,
    )


def schedules_for(enrolments: Iterable[Enrolment], *, at: datetime, total_weeks: int) -> dict[int, Schedule]:
    """Many enrolments' schedules, each on the learner's own date at `at`: two queries (week statuses,
    schedule changes) whatever their number. What the standing refresh and reminder batches use."""
    enrolments = list(enrolments)
    ids = [enrolment.pk for enrolment in enrolments]
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for enrolment_id, number, status in (
        WeekProgress.objects.filter(enrolment_id__in=ids)
        .exclude(status=WeekProgress.Status.NOT_STARTED)
        .values_list("enrolment_id", "week__number", "status")
    ):
        statuses[enrolment_id][number] = status
    shifts = shifts_by_enrolment(enrolment_ids=ids)
    return {
        enrolment.pk: schedule_for(
            enrolment,
            statuses=statuses[enrolment.pk],
            shifts=shifts[enrolment.pk],
            today=at.astimezone(ZoneInfo(enrolment.timezone)).date(),
            total_weeks=total_weeks,
        )
        for enrolment in enrolments
    }


SCHEDULE_FIELDS = ("id", "start_date", "pace", "timezone", "status", "paused_on", "ended_on")
"""What `schedule_for` reads of an enrolment (with its progress and schedule changes)."""


def standings_computed(
    enrolments: Iterable[Enrolment], *, at: datetime, weeks: list[tuple[int, int]] | None = None
) -> dict[int, Standing]:
    """Enrolment id → its standing at `at`, computed (not stored) by the schedule rule: what
    `standings.standing_refresh` stores, and what a reader whose stored standing is out of date (its
    change has come, the refresh has not) uses instead. Three queries (two with `weeks`, the
    curriculum's (week number, phase number) pairs) whatever the number of enrolments."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    weeks = week_phase_numbers() if weeks is None else weeks
    if not weeks:
        return {}
    schedules = schedules_for(enrolments, at=at, total_weeks=len(weeks))
    return {
        enrolment.pk: standing_of(enrolment, schedules[enrolment.pk], weeks=weeks, at=at)
        for enrolment in enrolments
    }


def completed_per_phase(
    schedule: Schedule, weeks: Iterable[tuple[int, PhaseKey]]
) -> dict[PhaseKey, list[int]]:
    """Each phase of `weeks` ((week number, phase) pairs, in order) → [weeks the schedule has completed,
    weeks], phases in the order met: the one count behind the stored standing and the pages' phase bars."""
    phases: dict[PhaseKey, list[int]] = {}
    for number, phase in weeks:
        done_total = phases.setdefault(phase, [0, 0])
        done_total[0] += schedule.week(number).is_completed
        done_total[1] += 1
    return phases


def standing_of(
    enrolment: Enrolment, schedule: Schedule, *, weeks: list[tuple[int, int]], at: datetime
) -> Standing:
    """The standing a schedule makes (unsaved): the one mapping from the schedule rule to stored facts."""
    phases = completed_per_phase(schedule, weeks)
    completed = schedule.completed_count
    # A left enrolment stands still from the day it left, but in a time zone behind that day has not
    # come yet: its plan moves until then (the schedule bounds `changes_on` by it), so it is refreshed too.
    moving = enrolment.status in CURRENT_STATUSES or enrolment.status == Enrolment.Status.LEFT
    changes_on = schedule.changes_on if moving else None
    first_open = schedule.first_uncompleted
    current = schedule.week(schedule.current_week) if schedule.current_week else None
    return Standing(
        enrolment=enrolment,
        state=schedule.state,
        planned_week=schedule.planned_week,
        current_week=schedule.current_week,
        weeks_behind=schedule.weeks_behind,
        weeks_ahead=schedule.weeks_ahead,
        weeks_completed=completed,
        total_weeks=len(weeks),
        completion_percent=round(100 * completed / len(weeks)),
        phase_completion=[[phase, done, total] for phase, (done, total) in phases.items()],
        first_open_week=first_open.number if first_open else None,
        overdue_weeks=[week.number for week in schedule.overdue],
        current_starts_on=current.starts_on if current else None,
        current_ends_on=current.ends_on if current else None,
        changes_on=changes_on,
        refresh_due_at=(
            datetime.combine(changes_on, time.min, tzinfo=ZoneInfo(enrolment.timezone))
            if changes_on
            else None
        ),
        refreshed_at=at,
    )


def week_to_continue(schedule: Schedule) -> int | None:
    """The week to work on: this week by date, unless it is done, then the first unfinished one (a
    learner ahead of the plan); week 1 before the start; None once every week is completed."""
    first_open = schedule.first_uncompleted
    if first_open is None:
        return None
    current = schedule.current_week or 1
    return current if not schedule.week(current).is_completed else first_open.number


def replan_to_undo(enrolment: Enrolment, changes: Sequence[ScheduleChange]) -> ScheduleChange | None:
    """The last change of the plan (`changes` in the order made) when it is a re-plan of an active
    enrolment: the one that can be undone."""
    last = changes[-1] if changes else None
    active = enrolment.status == Enrolment.Status.ACTIVE
    return last if active and last and last.reason == ScheduleChange.Reason.REPLAN else None


@dataclass(frozen=True)
class ScheduleRow:
    week: Week
    planned: PlannedWeek
    progress: WeekProgress | None
    quiz: Any = None
    """The learner's state on the week's quiz, when the caller supplies quiz summaries."""


@dataclass(frozen=True)
class PhaseProgress:
    phase: Phase
    completed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


@dataclass(frozen=True)
class PhaseGroup:
    progress: PhaseProgress
    rows: list[ScheduleRow]
    is_current: bool
    """The phase of the learner's current week (before the start: the first phase)."""


@dataclass(frozen=True)
class LearnerOverview:
    enrolment: Enrolment
    schedule: Schedule
    rows: list[ScheduleRow]
    phases: list[PhaseProgress]
    changes: list[ScheduleChange]

    @property
    def current_row(self) -> ScheduleRow | None:
        number = self.schedule.current_week
        return self.rows[number - 1] if number else None

    @property
    def next_row(self) -> ScheduleRow | None:
        number = (self.schedule.current_week or 0) + 1
        return self.rows[number - 1] if number <= len(self.rows) else None

    @property
    def phase_groups(self) -> list[PhaseGroup]:
        """The rows by phase, in order, each with its progress; the schedule page shows one per phase."""
        current = self.current_row or (self.rows[0] if self.rows else None)
        current_phase = current.week.phase_id if current else None
        by_phase: dict[int, list[ScheduleRow]] = {}
        for row in self.rows:
            by_phase.setdefault(row.week.phase_id, []).append(row)
        return [
            PhaseGroup(
                progress=phase,
                rows=by_phase.get(phase.phase.pk, []),
                is_current=phase.phase.pk == current_phase,
            )
            for phase in self.phases
        ]

    @property
    def overdue_rows(self) -> list[ScheduleRow]:
        return [row for row in self.rows if row.planned.is_overdue]

    @property
    def undoable_replan(self) -> ScheduleChange | None:
        return replan_to_undo(self.enrolment, self.changes)

    @property
    def percent_complete(self) -> int:
        return round(100 * self.schedule.completed_count / len(self.rows)) if self.rows else 0


def learner_overview(
    *,
    enrolment: Enrolment,
    today: date | None = None,
    quizzes: Mapping[int, Any] | None = None,
    week_annotations: Mapping[str, Any] | None = None,
) -> LearnerOverview:
    """Everything the dashboard and schedule show, in a fixed number of queries (three).

    `quizzes` maps week numbers to quiz summaries (from the assessments app) to show beside each week.
    `week_annotations` are expressions a higher app adds to each week row (the dashboard: the week's
    project and the learner's status on it), read in the same query.
    """
    quizzes = quizzes or {}
    # Resources are not prefetched: only the current week's are shown (one small query, on the dashboard).
    weeks = list(Week.objects.select_related("phase").annotate(**(week_annotations or {})).order_by("number"))
    progress = {row.week_id: row for row in WeekProgress.objects.filter(enrolment=enrolment)}
    changes = list(enrolment.schedule_changes.select_related("changed_by"))
    by_number = {week.number: progress.get(week.pk) for week in weeks}
    statuses = {number: row.status for number, row in by_number.items() if row}
    schedule = schedule_for(
        enrolment,
        statuses=statuses,
        shifts=[change.shift for change in changes],
        today=today,
        total_weeks=len(weeks),
    )
    rows = [
        ScheduleRow(
            week=week,
            planned=schedule.week(week.number),
            progress=by_number[week.number],
            quiz=quizzes.get(week.number),
        )
        for week in weeks
        if week.number <= len(schedule.weeks)
    ]
    counts = completed_per_phase(schedule, ((row.week.number, row.week.phase) for row in rows))
    phases = [
        PhaseProgress(phase=phase, completed=done, total=total) for phase, (done, total) in counts.items()
    ]
    return LearnerOverview(enrolment=enrolment, schedule=schedule, rows=rows, phases=phases, changes=changes)


def week_progress_get(*, enrolment: Enrolment, week: Week) -> WeekProgress | None:
    return WeekProgress.objects.filter(enrolment=enrolment, week=week).first()


def week_plan_for(
    *,
    enrolment: Enrolment,
    week: Week,
    changes: Sequence[ScheduleChange],
    total_weeks: int | None = None,
) -> tuple[WeekProgress | None, PlannedWeek]:
    """The learner's progress on `week` (None if untouched: its status, notes and completion time) and
    the week's planned dates and state. `changes` are the enrolment's schedule changes in the order
    made, read with it (`scope.enrolment_latest_with_changes_for`).

    One read of the enrolment's progress rows serves both (the schedule needs every week's status):
    one query, two without `total_weeks`. Every row gives its status, id and completion time (small,
    and one expression fewer to build than asking for this week's alone); only this week's row gives
    its notes (up to 10,000 characters a week).
    """
    rows = (
        WeekProgress.objects.filter(enrolment_id=enrolment.pk)
        .annotate(own_notes=Case(When(week_id=week.pk, then=F("notes"))))
        .values_list("week__number", "status", "id", "completed_at", "own_notes")
    )
    statuses: dict[int, str] = {}
    progress = None
    for number, status, row_id, completed_at, notes in rows:
        statuses[number] = status
        if number == week.number:
            progress = WeekProgress(
                pk=row_id,
                enrolment=enrolment,
                week=week,
                status=status,
                notes=notes,
                completed_at=completed_at,
            )
    shifts = [change.shift for change in changes]
    schedule = schedule_for(enrolment, statuses=statuses, shifts=shifts, total_weeks=total_weeks)
    return progress, schedule.week(week.number)
