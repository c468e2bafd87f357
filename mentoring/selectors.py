"""Reads for mentors: their mentees (and only theirs), at-risk flags, feedback, phase reviews."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from curriculum.models import Phase, Week
from mentoring.models import PhaseReview, WeekFeedback
from progress.models import Enrolment, WeekProgress
from progress.schedule import COMPLETED, Shift, build_schedule
from progress.selectors import CURRENT_STATUSES, today_for

if TYPE_CHECKING:
    from mentoring.quiz_stats import QuizStats

INACTIVE_AFTER = timedelta(days=14)

FLAGS = {
    "behind": "Behind schedule",
    "inactive": "Inactive ≥ 14 days",
    "failed_quiz": "Failed quiz",
    "pending_review": "Answers to review",
}


def can_mentor(user: User) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_mentor)


def mentee_enrolments_for(*, user: User) -> QuerySet[Enrolment]:
    """The one place that scopes mentoring: a mentor's current mentees; staff see every learner."""
    enrolments = Enrolment.objects.select_related("learner", "mentor").filter(status__in=CURRENT_STATUSES)
    if not user.is_authenticated:
        return enrolments.none()
    if user.is_staff:
        return enrolments
    if user.is_mentor:
        return enrolments.filter(mentor=user)
    return enrolments.none()


@dataclass
class MenteeRow:
    enrolment: Enrolment
    current_week: int | None
    weeks_behind: int
    schedule_label: str
    phase_percents: dict[int, int]
    completion_percent: int
    last_activity: datetime
    quiz: "QuizStats"
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def learner(self) -> User:
        return self.enrolment.learner

    @property
    def days_inactive(self) -> int:
        return (timezone.now() - self.last_activity).days

    @property
    def phase_summary(self) -> str:
        return " · ".join(f"P{phase} {percent}%" for phase, percent in self.phase_percents.items())

    @property
    def flag_labels(self) -> list[str]:
        return [FLAGS[flag] for flag in self.flags]


SORT_KEYS = {
    "learner": lambda row: str(row.learner).lower(),
    "current_week": lambda row: row.current_week or 0,
    "weeks_behind": lambda row: row.weeks_behind,
    "completion": lambda row: row.completion_percent,
    "last_activity": lambda row: row.last_activity,
    "quiz_average": lambda row: row.quiz.average_percent if row.quiz.average_percent is not None else -1,
    "flags": lambda row: len(row.flags),
}


def mentee_rows(
    *, user: User, flag: str | None = None, sort: str = "-flags", today: date | None = None
) -> list[MenteeRow]:
    """The mentor dashboard's table, in a fixed number of queries whatever the number of mentees."""
    from mentoring.quiz_stats import QuizStats, quiz_stats_for  # assessments depends on progress, not here

    enrolments = list(mentee_enrolments_for(user=user).prefetch_related("schedule_changes"))
    ids = [enrolment.pk for enrolment in enrolments]
    weeks = list(Week.objects.values_list("number", "phase__number"))
    phase_sizes: dict[int, int] = defaultdict(int)
    phase_of = {}
    for number, phase in weeks:
        phase_sizes[phase] += 1
        phase_of[number] = phase
    completed: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, number in WeekProgress.objects.filter(
        enrolment_id__in=ids, status=WeekProgress.Status.COMPLETED
    ).values_list("enrolment_id", "week__number"):
        completed[enrolment_id].add(number)
    quiz = quiz_stats_for(learner_ids=[enrolment.learner_id for enrolment in enrolments])

    rows = []
    for enrolment in enrolments:
        done = completed[enrolment.pk]
        schedule = build_schedule(
            start_date=enrolment.start_date,
            pace=enrolment.pace,
            today=today or today_for(enrolment),
            statuses=dict.fromkeys(done, COMPLETED),
            shifts=[Shift(c.from_week, c.starts_on) for c in enrolment.schedule_changes.all()],
            paused_on=enrolment.paused_on if enrolment.status == Enrolment.Status.PAUSED else None,
            total_weeks=len(weeks),
        )
        per_phase: dict[int, int] = defaultdict(int)
        for number in done:
            per_phase[phase_of.get(number, 0)] += 1
        row = MenteeRow(
            enrolment=enrolment,
            current_week=schedule.current_week,
            weeks_behind=schedule.weeks_behind,
            schedule_label=schedule.label,
            phase_percents={
                phase: round(100 * per_phase[phase] / size) for phase, size in sorted(phase_sizes.items())
            },
            completion_percent=round(100 * len(done) / len(weeks)) if weeks else 0,
            last_activity=enrolment.last_activity_at or enrolment.created_at,
            quiz=quiz.get(enrolment.learner_id, QuizStats()),
        )
        add_flags(row)
        rows.append(row)

    if flag in FLAGS:
        rows = [row for row in rows if flag in row.flags]
    descending = sort.startswith("-")
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["flags"])
    rows.sort(key=key, reverse=descending)
    return rows


def add_flags(row: MenteeRow) -> None:
    """Flags with the reason a mentor can act on."""
    if row.weeks_behind:
        row.flags.append("behind")
        row.reasons.append(f"{row.weeks_behind} week(s) overdue ({row.schedule_label.lower()})")
    if timezone.now() - row.last_activity >= INACTIVE_AFTER:
        row.flags.append("inactive")
        row.reasons.append(f"no activity for {row.days_inactive} days")
    if row.quiz.failed_quizzes:
        row.flags.append("failed_quiz")
        row.reasons.append(f"failed {', '.join(row.quiz.failed_quizzes)}")
    if row.quiz.pending_reviews:
        row.flags.append("pending_review")
        row.reasons.append(f"{row.quiz.pending_reviews} submission(s) waiting for your review")


def feedback_for(*, enrolment: Enrolment, week: Week) -> QuerySet[WeekFeedback]:
    return WeekFeedback.objects.filter(enrolment=enrolment, week=week).select_related("author")


def phase_reviews_for(*, enrolment: Enrolment) -> dict[int, PhaseReview]:
    """The latest review of each phase, keyed by phase number."""
    latest: dict[int, PhaseReview] = {}
    for review in PhaseReview.objects.filter(enrolment=enrolment).select_related("phase", "reviewer"):
        latest[review.phase.number] = review
    return latest


def phases_ready_for_review(*, enrolment: Enrolment) -> dict[int, list[str]]:
    """For each phase, what still stops a sign-off (empty list: ready)."""
    from mentoring.quiz_stats import unpassed_quiz_weeks_for

    completed = set(
        WeekProgress.objects.filter(enrolment=enrolment, status=WeekProgress.Status.COMPLETED).values_list(
            "week__number", flat=True
        )
    )
    unpassed = unpassed_quiz_weeks_for(learner_id=enrolment.learner_id)
    blockers: dict[int, list[str]] = {}
    for phase in Phase.objects.prefetch_related("weeks"):
        numbers = [week.number for week in phase.weeks.all()]
        missing = [n for n in numbers if n not in completed]
        failing = [n for n in numbers if n in unpassed]
        reasons = []
        if missing:
            reasons.append(f"weeks not completed: {', '.join(map(str, missing))}")
        if failing:
            reasons.append(f"quizzes not passed: weeks {', '.join(map(str, failing))}")
        blockers[phase.number] = reasons
    return blockers
