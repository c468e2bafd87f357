"""The learner dashboard's read: this week, what is overdue, what comes next and the phases.

The dashboard shows a handful of the 52 weeks, so it reads the curriculum as values
(`curriculum.selectors.week_values`) and makes model instances only of the weeks it shows. The
schedule is the schedule rule's (`build_schedule` through `selectors.schedule_for`), computed from
the learner's week statuses and schedule changes as on every page of theirs (the changes read with
the enrolment, handed in). `learner_overview` (every week as a row, with its progress) stays for the
schedule pages.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import OuterRef, Subquery

from curriculum.models import Phase
from curriculum.selectors import WeekValues, week_from, week_values
from progress.models import Enrolment, ScheduleChange, WeekProgress
from progress.schedule import Schedule
from progress.selectors import PhaseProgress, ScheduleRow, completed_per_phase, replan_to_undo, schedule_for


@dataclass(frozen=True)
class DashboardOverview:
    enrolment: Enrolment
    schedule: Schedule
    total_weeks: int
    phases: list[PhaseProgress]
    first_row: ScheduleRow | None
    """Week 1: what a learner whose plan has not started yet sees."""
    current_row: ScheduleRow | None
    next_row: ScheduleRow | None
    overdue_rows: list[ScheduleRow]
    undoable_replan: ScheduleChange | None

    @property
    def percent_complete(self) -> int:
        completed = self.schedule.completed_count
        return round(100 * completed / self.total_weeks) if self.total_weeks else 0


def dashboard_overview(
    *,
    enrolment: Enrolment,
    changes: Sequence[ScheduleChange],
    today: date | None = None,
    week_annotations: Mapping[str, Any] | None = None,
) -> DashboardOverview:
    """What the learner dashboard shows of the schedule, in one query whatever the curriculum's length:
    the curriculum's weeks as values with the learner's status on each. `changes` are the enrolment's
    schedule changes in the order made, read with it (`scope.enrolment_latest_with_changes_for`).
    `week_annotations` are expressions a higher app reads with each week (the dashboard: whether it has
    a project); the weeks shown carry their values as attributes."""
    # The learner's status on each week, read with the weeks: one index probe a week.
    status = WeekProgress.objects.filter(enrolment_id=enrolment.pk, week_id=OuterRef("pk")).order_by()
    annotations = dict(week_annotations or {})
    weeks = week_values(status=Subquery(status.values("status")[:1]), **annotations)
    schedule = schedule_for(
        enrolment,
        statuses={week.number: week.extra[0] for week in weeks if week.extra[0]},
        shifts=[change.shift for change in changes],
        today=today,
        total_weeks=len(weeks),
    )

    def row(number: int | None) -> ScheduleRow | None:
        if number is None or not 1 <= number <= len(weeks):
            return None
        values = weeks[number - 1]
        week = week_from(values)
        week.__dict__.update(zip(annotations, values.extra[1:], strict=True))
        return ScheduleRow(week=week, planned=schedule.week(number), progress=None)

    current = schedule.current_week
    return DashboardOverview(
        enrolment=enrolment,
        schedule=schedule,
        total_weeks=len(weeks),
        phases=_phase_progress(weeks, schedule),
        first_row=row(1),
        current_row=row(current),
        next_row=row((current or 0) + 1),
        overdue_rows=[shown for week in schedule.overdue if (shown := row(week.number))],
        undoable_replan=replan_to_undo(enrolment, changes),
    )


def _phase_progress(weeks: list[WeekValues], schedule: Schedule) -> list[PhaseProgress]:
    """Each phase, in order, with how many of its weeks the schedule has completed."""
    phases: dict[int, Phase] = {}
    for week in weeks:  # one instance a phase
        if week.phase_id not in phases:
            phases[week.phase_id] = Phase(pk=week.phase_id, number=week.phase_number, title=week.phase_title)
    counts = completed_per_phase(schedule, ((week.number, phases[week.phase_id]) for week in weeks))
    return [
        PhaseProgress(phase=phase, completed=done, total=total) for phase, (done, total) in counts.items()
    ]
