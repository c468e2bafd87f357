"""Reads for mentors: their mentees (and only theirs), at-risk flags, feedback, phase reviews."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import BigIntegerField, F, QuerySet, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from curriculum.models import Phase, Week
from mentoring.models import PhaseReview, WeekFeedback
from progress.models import Enrolment, ScheduleChange, WeekProgress
from progress.schedule import Shift, schedule_standing
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


ROW_FIELDS = [
    "learner_id", "start_date", "pace", "timezone", "status", "paused_on", "last_activity_at", "created_at",
    "learner__first_name", "learner__last_name", "learner__email", "learner__username",
]  # fmt: skip


def mentee_rows(
    *, user: User, flag: str | None = None, sort: str = "-flags", today: date | None = None
) -> list[MenteeRow]:
    """The mentor dashboard's table, in a fixed number of queries whatever the number of mentees."""
    from mentoring.quiz_stats import QuizStats, quiz_stats_for  # assessments depends on progress, not here

    scoped = mentee_enrolments_for(user=user)
    enrolments = list(
        scoped.select_related(None)
        .select_related("learner")
        .only(*ROW_FIELDS)  # 500 enrolments and users: building unused fields is a third of the query
    )
    # The other reads take the scope as a subquery: 500 ids as parameters cost more to send than to use.
    ids = scoped.values("pk")
    shifts: dict[int, list[Shift]] = defaultdict(list)
    # Tuples, not prefetch_related: Django builds a queryset per prefetched instance (~30 ms for 500).
    for enrolment_id, from_week, starts_on in ScheduleChange.objects.filter(enrolment_id__in=ids).values_list(
        "enrolment_id", "from_week", "starts_on"
    ):
        shifts[enrolment_id].append(Shift(from_week, starts_on))
    weeks = list(Week.objects.values_list("number", "phase__number"))
    phase_masks: dict[int, int] = defaultdict(int)
    for number, phase in weeks:
        phase_masks[phase] |= 1 << (number - 1)
    completed = completed_week_masks(enrolment_ids=ids)
    quiz = quiz_stats_for(learner_ids=scoped.values("learner_id"))

    rows = []
    for enrolment in enrolments:
        done = completed.get(enrolment.pk, 0)
        schedule = schedule_standing(
            start_date=enrolment.start_date,
            pace=enrolment.pace,
            today=today or today_for(enrolment),
            completed_mask=done,
            shifts=shifts[enrolment.pk],
            paused_on=enrolment.paused_on if enrolment.status == Enrolment.Status.PAUSED else None,
            total_weeks=len(weeks),
        )
        row = MenteeRow(
            enrolment=enrolment,
            current_week=schedule.current_week,
            weeks_behind=schedule.weeks_behind,
            schedule_label=schedule.label,
            phase_percents={
                phase: round(100 * (done & mask).bit_count() / mask.bit_count())
                for phase, mask in sorted(phase_masks.items())
            },
            completion_percent=round(100 * done.bit_count() / len(weeks)) if weeks else 0,
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


def completed_week_masks(*, enrolment_ids: "Iterable[int] | QuerySet") -> dict[int, int]:
    """Each enrolment's completed weeks as a bit mask (bit n-1: week n), summed in SQL: one row per
    enrolment rather than one per completed week (the bits are distinct, so the sum is the union)."""
    # The stubs type the shift as an int; Django takes any expression (here, per row).
    bit = Cast(Value(1), BigIntegerField()).bitleftshift(F("week__number") - 1)  # type: ignore[arg-type]
    masks = (
        WeekProgress.objects.filter(enrolment_id__in=enrolment_ids, status=WeekProgress.Status.COMPLETED)
        .values("enrolment_id")
        .annotate(mask=Sum(bit))
        .values_list("enrolment_id", "mask")
    )
    return {enrolment_id: int(mask) for enrolment_id, mask in masks}


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
