"""The progress page's reads: one learner's standing, quizzes, phases, plan against actual, week map and
forecast, from the owners' selectors (progress, assessments, curriculum) — nothing is computed twice.

Who may see it: `progress.scope.enrolments_visible_to`, the one rule (the learner, their mentor
while they mentor the enrolment, staff).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext

from accounts.models import User
from assessments.grading import average_percent
from assessments.summaries import QuizSummary, quiz_summaries_for
from charts.svg import LineChart, Marker, Series, Span, line_chart
from curriculum.selectors import week_count
from learner.phrases import chart_description
from learner.plan import Forecast, Pause, actual_points, finish_forecast, plan_points
from progress.models import Enrolment, ScheduleChange, Standing
from progress.schedule import build_schedule
from progress.scope import CURRENT_STATUSES, enrolment_latest_for, enrolments_visible_to
from progress.selectors import LearnerOverview, learner_overview, today_for
from projects.selectors import ProjectLine, project_lines_of, week_project_annotations


def report_enrolments_visible_to(*, user: User) -> QuerySet[Enrolment]:
    """Whose progress page a user may open: progress's one rule, with what the page reads joined."""
    return enrolments_visible_to(user=user).select_related("standing")


def own_enrolment(*, user: User) -> Enrolment | None:
    enrolment = enrolment_latest_for(learner=user)
    return None if enrolment is None else report_enrolments_visible_to(user=user).get(pk=enrolment.pk)


QUIZ_STATUS_TEXT = {
    "passed": gettext_lazy("Passed"),
    "failed": gettext_lazy("Not passed yet"),
    "needs_review": gettext_lazy("Waiting for your mentor's review"),
    "pending": gettext_lazy("Being graded"),
    "not_taken": gettext_lazy("Not taken yet"),
}


@dataclass(frozen=True)
class QuizLine:
    summary: QuizSummary
    topic: str

    @property
    def status_text(self) -> str:
        summary = self.summary
        text = str(QUIZ_STATUS_TEXT[summary.status])
        if summary.status == "failed" and summary.attempts_left:
            left = summary.attempts_left
            text += " · " + ngettext("%(count)s attempt left", "%(count)s attempts left", left) % {
                "count": left
            }
        return text


@dataclass(frozen=True)
class QuizGroup:
    """A phase's quizzes on the progress page: one collapsible group each, the current phase's open (52
    rows stacked as cards made the page 11,000 px tall on a phone)."""

    number: int
    title: str
    lines: list[QuizLine]
    is_current: bool

    @property
    def passed(self) -> int:
        return sum(line.summary.status == "passed" for line in self.lines)


def quiz_groups_of(
    lines: list[QuizLine], *, phase_of_week: dict[int, int], titles: dict[int, str], current_phase: int | None
) -> list[QuizGroup]:
    """The quiz lines by the phase of their week, in phase order; a phase without a quiz has no group."""
    by_phase: dict[int, list[QuizLine]] = {}
    for line in lines:
        by_phase.setdefault(phase_of_week.get(line.summary.week_number, 0), []).append(line)
    return [
        QuizGroup(number, titles.get(number, ""), group, number == current_phase)
        for number, group in sorted(by_phase.items())
    ]


@dataclass(frozen=True)
class PhaseLine:
    number: int
    title: str
    completed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


# The week map's statuses, in the legend's order: (key, words, symbol). Words and symbols differ, not
# only colours; "to catch up" rather than a red "overdue".
MAP_STATUSES = [
    ("completed", gettext_lazy("Completed"), "✓"),
    ("this_week", gettext_lazy("This week"), "●"),
    ("in_progress", gettext_lazy("In progress"), "◐"),
    ("catch_up", gettext_lazy("To catch up"), "↺"),
    ("upcoming", gettext_lazy("Coming up"), ""),
]
MAP_WORDS = {key: words for key, words, _ in MAP_STATUSES}
MAP_SYMBOLS = {key: symbol for key, _, symbol in MAP_STATUSES}


@dataclass(frozen=True)
class MapCell:
    number: int
    topic: str
    status: str
    href: str
    starts_on: date

    @property
    def words(self) -> str:
        return str(MAP_WORDS[self.status])

    @property
    def symbol(self) -> str:
        return MAP_SYMBOLS[self.status]


@dataclass(frozen=True)
class LegendEntry:
    key: str
    words: str
    symbol: str
    count: int


@dataclass(frozen=True)
class PlanRow:
    """A row of the plan-against-actual table (the chart's figures for screen readers)."""

    number: int
    first_plan_ends: date
    current_plan_ends: date
    completed_on: date | None


@dataclass(frozen=True)
class ProgressReport:
    enrolment: Enrolment
    standing: Standing
    overview: LearnerOverview
    quizzes: list[QuizLine]
    quiz_groups: list[QuizGroup]
    projects: list[ProjectLine]
    phases: list[PhaseLine]
    cells: list[MapCell]
    legend: list[LegendEntry]
    chart: LineChart
    plan_rows: list[PlanRow]
    events: list[Marker]
    pauses: list[Pause]
    forecast: Forecast
    total_weeks: int
    own: bool = True
    """Seen by the learner themselves (else by their mentor or staff): the words say "you" or "they"."""

    @property
    def standing_words(self) -> str:
        """Where the learner stands, kindly: "3 weeks to catch up" rather than a red "behind"."""
        standing = self.standing
        if standing.state == Standing.State.BEHIND:
            behind = standing.weeks_behind
            return ngettext("%(count)s week to catch up", "%(count)s weeks to catch up", behind) % {
                "count": behind
            }
        if standing.state == Standing.State.AHEAD:
            ahead = standing.weeks_ahead
            return ngettext(
                "%(count)s week ahead of the plan", "%(count)s weeks ahead of the plan", ahead
            ) % {"count": ahead}
        if standing.state == Standing.State.PAUSED:
            if self.own:
                return gettext("Paused: the plan waits until you resume")
            return gettext("Paused: the plan waits until they resume")
        return standing.label

    @property
    def quizzes_passed(self) -> int:
        return sum(line.summary.status == "passed" for line in self.quizzes)

    @property
    def quiz_average(self) -> Decimal | None:
        """The mean of the best scores of this enrolment's attempts (the quiz record's figure, of any
        enrolment: an earlier one's page shows its own)."""
        bests = [line.summary.best_percent for line in self.quizzes if line.summary.best_percent is not None]
        return average_percent(bests)


def _week_href(enrolment: Enrolment, number: int, *, own: bool) -> str:
    if own:
        return reverse("learner:week", args=[number])
    if enrolment.status in CURRENT_STATUSES:
        return reverse("mentoring:learner", args=[enrolment.pk]) + f"#week-{number}"
    return reverse("curriculum:week-detail", args=[number])


def _map_status(row: object, current: int | None) -> str:
    planned = row.planned  # type: ignore[attr-defined]
    if planned.is_completed:
        return "completed"
    if planned.number == current:
        return "this_week"
    if planned.is_overdue:
        return "catch_up"
    if planned.status == "in_progress":
        return "in_progress"
    return "upcoming"


def _pauses(enrolment: Enrolment, changes: list[ScheduleChange], today: date) -> list[Pause]:
    pauses = [
        Pause(change.paused_from, change.created_at.date())
        for change in changes
        if change.reason == ScheduleChange.Reason.RESUME and change.paused_from
    ]
    if enrolment.status == Enrolment.Status.PAUSED and enrolment.paused_on:
        pauses.append(Pause(enrolment.paused_on, today))
    return pauses


MARKER_WORDS = {
    "replan": gettext_lazy("Re-planned"),
    "resume": gettext_lazy("Resumed"),
    "pace": gettext_lazy("Pace changed"),
}
"""How the plan-against-actual chart marks each kind of schedule change."""


def progress_report(*, enrolment: Enrolment, viewer: User, today: date | None = None) -> ProgressReport:
    """Everything the progress page shows, in a fixed number of queries. `enrolment` comes from
    `report_enrolments_visible_to` (standing joined)."""
    today = today or today_for(enrolment)
    own = enrolment.learner_id == viewer.pk
    summaries = quiz_summaries_for(learner=enrolment.learner, enrolment_id=enrolment.pk)
    overview = learner_overview(
        enrolment=enrolment,
        quizzes=summaries,
        today=today,
        week_annotations=week_project_annotations(enrolment_id=enrolment.pk),
    )
    total = week_count()
    rows = overview.rows[:total]
    schedule = overview.schedule
    standing = enrolment.standing
    titles = {item.phase.number: item.phase.title for item in overview.phases}
    phases = [
        PhaseLine(number, titles.get(number, ""), done, all_)
        for number, done, all_ in standing.phase_completion
    ]
    topics = {row.week.number: row.week.topic for row in rows}
    quizzes = [QuizLine(summary, topics.get(number, "")) for number, summary in sorted(summaries.items())]
    current = overview.current_row if schedule.state != "completed" else None
    quiz_groups = quiz_groups_of(
        quizzes,
        phase_of_week={row.week.number: row.week.phase.number for row in rows},
        titles=titles,
        current_phase=current.week.phase.number if current else None,
    )

    cells = [
        MapCell(
            row.week.number,
            row.week.topic,
            _map_status(row, schedule.current_week if schedule.state != "completed" else None),
            _week_href(enrolment, row.week.number, own=own),
            row.planned.starts_on,
        )
        for row in rows
    ]
    legend = [
        LegendEntry(key, str(words), symbol, sum(cell.status == key for cell in cells))
        for key, words, symbol in MAP_STATUSES
    ]

    completed_on = {
        row.week.number: row.progress.completed_at.date()
        for row in rows
        if row.planned.is_completed and row.progress and row.progress.completed_at
    }
    first_plan = build_schedule(
        start_date=enrolment.start_date, pace=enrolment.pace, today=today, total_weeks=total
    )
    pauses = _pauses(enrolment, overview.changes, today)
    events = [
        Marker(
            change.created_at.date(),
            str(MARKER_WORDS.get(change.reason, change.get_reason_display())),
            change.reason,
        )
        for change in overview.changes
    ]
    plan_ends = schedule.weeks[-1].ends_on
    forecast = finish_forecast(
        start=enrolment.start_date,
        today=today,
        completed_on=list(completed_on.values()),
        total_weeks=total,
        plan_ends_on=plan_ends,
        pauses=pauses,
    )
    last_day = max(first_plan.weeks[-1].ends_on, plan_ends, today, forecast.finish_on or today)
    done = len(completed_on)
    chart = line_chart(
        ident="plan-vs-actual",
        title=gettext("Weeks completed: plan against actual"),
        description=chart_description(
            own=own,
            name=str(enrolment.learner),
            done=done,
            total=total,
            today=today,
            first_done=sum(week.ends_on < today for week in first_plan.weeks),
            current_done=sum(week.ends_on < today for week in schedule.weeks),
            replans=len([e for e in events if e.kind == "replan"]),
            pauses=len(pauses),
        ),
        series=[
            Series(gettext("First plan"), plan_points(first_plan.weeks, start=enrolment.start_date), "plan"),
            Series(
                gettext("Current plan"),
                plan_points(schedule.weeks, start=enrolment.start_date),
                "current-plan",
            ),
            Series(
                gettext("Completed"),
                actual_points(completed_on.values(), start=enrolment.start_date, today=today),
                "actual",
            ),
            *(
                [
                    Series(
                        gettext("Forecast"),
                        [(today, done), (forecast.finish_on, total)],
                        "forecast",
                        straight=True,
                    )
                ]
                if forecast.basis == "pace" and forecast.finish_on
                else []
            ),
        ],
        first=enrolment.start_date,
        last=last_day,
        maximum=total,
        markers=events,
        spans=[Span(p.starts, p.ends, gettext("Paused")) for p in pauses],
        today=today,
    )
    plan_rows = [
        PlanRow(
            number, first_plan.week(number).ends_on, schedule.week(number).ends_on, completed_on.get(number)
        )
        for number in range(1, total + 1)
    ]
    return ProgressReport(
        enrolment=enrolment,
        standing=standing,
        overview=overview,
        quizzes=quizzes,
        quiz_groups=quiz_groups,
        projects=project_lines_of([row.week for row in rows]),
        phases=phases,
        cells=cells,
        legend=legend,
        chart=chart,
        plan_rows=plan_rows,
        events=events,
        pauses=pauses,
        forecast=forecast,
        total_weeks=total,
        own=own,
    )
