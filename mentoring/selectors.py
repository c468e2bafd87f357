"""Reads for mentors: their mentees (and only theirs), at-risk flags, feedback, phase reviews.

The mentor table reads stored rows — each enrolment's `progress.Standing` and its learner's
`assessments.QuizRecord` — and filters, sorts and paginates them in SQL: no schedule is computed
for a list.
"""

import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import accumulate
from typing import Any, TypeVar

from django.core.paginator import Page
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from accounts.models import User, display_name_expression
from assessments.grading import percent_text
from assessments.selectors import (
    QUIZ_AVERAGE,
    QUIZ_RECORD,
    has_failed_quiz,
    has_reviews_waiting,
    quiz_phase_results_for_learners,
    submitted_between,
    unpassed_quiz_weeks_for,
    weeks_submitted_by_learner,
)
from cards.selectors import card_columns
from curriculum.models import Week
from lms.pagination import CountedPaginator
from mentoring.models import PhaseReview, WeekFeedback
from progress.models import Enrolment, Standing
from progress.schedule import weeks_phrase
from progress.selectors import (
    CURRENT_STATUSES,
    INACTIVE_AFTER,
    LearnerOverview,
    enrolments_mentored_by,
    learner_overview,
    progress_marked_between,
    week_back,
    weeks_back,
    weeks_marked_by_learner,
)
from projects.selectors import project_waiting, sign_off_projects_missing

ModelT = TypeVar("ModelT", bound=Model)

FLAGS = {
    "behind": "Behind schedule",
    "inactive": f"Inactive ≥ {INACTIVE_AFTER.days} days",
    "failed_quiz": "Failed quiz",
    "pending_review": "Answers to review",
    "project_waiting": "Project waiting for review",
}


def can_mentor(user: User) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_mentor)


def mentee_enrolments_for(*, user: User) -> QuerySet[Enrolment]:
    """The one place that scopes mentoring: a mentor's current mentees (progress's one rule of a mentor's
    access, `enrolments_mentored_by`); staff see every current learner."""
    enrolments = Enrolment.objects.select_related("learner", "mentor").filter(status__in=CURRENT_STATUSES)
    if not user.is_authenticated:
        return enrolments.none()
    if user.is_staff:
        return enrolments
    if user.is_mentor:
        return enrolments_mentored_by(mentor=user).select_related("learner", "mentor")
    return enrolments.none()


_FLAG_CONDITIONS: dict[str, Callable[[datetime], Q]] = {
    "behind": lambda now: Q(standing__weeks_behind__gt=0),
    "inactive": lambda now: Q(last_activity_at__lte=now - INACTIVE_AFTER),
    "failed_quiz": lambda now: has_failed_quiz(),
    "pending_review": lambda now: has_reviews_waiting(),
    "project_waiting": lambda now: Q(project_waiting()),
}
"""Each flag as a condition on an enrolment row at `now` (joining its standing and quiz record as needed):
the one definition of each flag, for the table's filters, its order and the stored flags."""
STORED_FLAGS = ("failed_quiz", "pending_review", "project_waiting")
"""The flags that writes raise and lower, not time: stored per enrolment (`MenteeFlags`) for the order."""
LIVE_FLAGS = ("behind", "inactive")


def _stored_project_waiting() -> Coalesce:
    """A row's "project waiting" as stored (`MenteeFlags`): what its order counted, without the
    projects' subquery per row."""
    return Coalesce(F("mentee_flags__project_waiting"), Value(False), output_field=BooleanField())


def _flag_condition(flag: str, now: datetime) -> Q:
    return _FLAG_CONDITIONS[flag](now)


def _raised(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


QUIZ_FLAGS = ("failed_quiz", "pending_review")
"""The stored flags a learner's quiz record decides."""


def enrolments_with_quiz_flags_changed(*, quiz_flags: Mapping[int, tuple[bool, bool]]) -> list[int]:
    """The enrolments of these learners (learner id → failed quiz, reviews waiting, as their quiz record
    says now: `assessments.selectors.quiz_flags_of`) whose stored quiz flags differ: the ones
    `mentee_flags_refresh` must write. One query of the stored rows."""
    stored = (f"mentee_flags__{flag}" for flag in QUIZ_FLAGS)
    rows = Enrolment.objects.filter(learner_id__in=list(quiz_flags)).values_list("pk", "learner_id", *stored)
    # Without a row, an enrolment has no flag (None): the same as stored False.
    return [
        pk
        for pk, learner_id, failed, pending in rows
        if (bool(failed), bool(pending)) != quiz_flags[learner_id]
    ]


def mentee_flags_computed(*, enrolment_ids: Sequence[int]) -> list[tuple[int, bool, bool, bool]]:
    """(enrolment id, failed quiz, pending review, project waiting) of these enrolments, from the flags'
    conditions: what `mentoring.services.mentee_flags_refresh` stores. One query."""
    now = timezone.now()
    raised = {flag: _raised(_flag_condition(flag, now)) for flag in STORED_FLAGS}
    rows = Enrolment.objects.filter(pk__in=enrolment_ids).annotate(**raised).values_list("pk", *STORED_FLAGS)
    return [(pk, *(bool(value) for value in values)) for pk, *values in rows]  # type: ignore[misc]


# The mentor workspace's charts: each segment is one of these conditions on the table's rows, so that a
# chart's count and the table it links to are the same query's (mentoring.workspace).
STANDING_GROUPS: dict[str, tuple[str, Q]] = {
    "ahead": ("Ahead", Q(standing__weeks_behind=0, standing__state=Standing.State.AHEAD)),
    "on_track": ("On track", Q(standing__weeks_behind=0, standing__state=Standing.State.ON_TRACK)),
    "behind_1": ("1 week to catch up", Q(standing__weeks_behind=1)),
    "behind_2": ("2 weeks to catch up", Q(standing__weeks_behind=2)),
    "behind_3": ("3+ weeks to catch up", Q(standing__weeks_behind__gte=3)),
    "other": (
        "Paused, starting or done",
        Q(
            standing__weeks_behind=0,
            standing__state__in=[Standing.State.PAUSED, Standing.State.NOT_STARTED, Standing.State.COMPLETED],
        ),
    ),
}
ACTIVITY_WEEKS = 12
"""The workspace's activity chart: the last 12 weeks, as 7-day spans ending now."""


def active_in_week(weeks_ago: int, now: datetime) -> Q:
    """Rows whose learner marked a week or submitted a quiz in the 7 days `weeks_ago` weeks back (0: the
    last 7 days)."""
    start, end = week_back(now, weeks_ago)
    return Q(progress_marked_between(start, end)) | Q(submitted_between(start, end))


@dataclass(frozen=True)
class Segment:
    """A part of the table a chart links to (at most one of the first three), and, for staff, a mentor."""

    standing: str | None = None
    active_week: int | None = None
    quiz_phase: int | None = None
    mentor_id: int | None = None

    @property
    def query(self) -> dict[str, str]:
        """The segment as the page's query-string parameters."""
        names = {
            "standing": self.standing,
            "active": self.active_week,
            "quiz_phase": self.quiz_phase,
            "mentor": self.mentor_id,
        }
        return {name: str(value) for name, value in names.items() if value is not None}


@dataclass
class PhaseQuizResults:
    passed: int = 0
    """Learner-quiz pairs passed."""
    failed: int = 0
    """Learner-quiz pairs failed (graded, not passed, nothing waiting)."""
    learners_failing: set[int] = field(default_factory=set)

    @property
    def pass_rate(self) -> int | None:
        decided = self.passed + self.failed
        return round(100 * self.passed / decided) if decided else None


def active_weeks_by_learner(*, rows: QuerySet[Enrolment], now: datetime) -> dict[int, set[int]]:
    """Learner id → the weeks back (0: the last 7 days, up to ACTIVITY_WEEKS - 1) in which the learner
    of one of `rows` was active, by `active_in_week`'s rule (marked a week, or submitted a quiz): two
    grouped queries for the whole group, where `active_in_week` per row and week would be 24 subqueries
    a row."""
    windows = weeks_back(now, ACTIVITY_WEEKS)
    active = weeks_marked_by_learner(enrolment_ids=rows.values("pk"), windows=windows)
    submitted = weeks_submitted_by_learner(learner_ids=rows.values("learner_id"), windows=windows)
    for learner_id, weeks in submitted.items():
        active.setdefault(learner_id, set()).update(weeks)
    return active


def quiz_results_by_phase(*, learner_ids: QuerySet[Any]) -> dict[int, PhaseQuizResults]:
    """Phase number → the quiz results of the learners in `learner_ids` (a subquery) in that phase:
    quizzes passed and failed (`grading.quiz_status`), read from their stored quiz records. One query."""
    results: dict[int, PhaseQuizResults] = {}
    for learner_id, phases in quiz_phase_results_for_learners(learner_ids=learner_ids).items():
        for number, (passed, failed) in phases.items():
            phase = results.setdefault(number, PhaseQuizResults())
            phase.passed += passed
            phase.failed += failed
            if failed:
                phase.learners_failing.add(learner_id)
    return results


def _segment_filter(
    rows: QuerySet[Enrolment], *, user: User, segment: Segment, now: datetime
) -> QuerySet[Enrolment]:
    if segment.mentor_id is not None and user.is_staff:
        rows = rows.filter(mentor_id=segment.mentor_id)
    if segment.standing in STANDING_GROUPS:
        rows = rows.filter(STANDING_GROUPS[segment.standing][1])
    if segment.active_week is not None and 0 <= segment.active_week < ACTIVITY_WEEKS:
        rows = rows.filter(active_in_week(segment.active_week, now))
    if segment.quiz_phase is not None:
        results = quiz_results_by_phase(learner_ids=rows.values("learner_id"))
        failing = results.get(segment.quiz_phase, PhaseQuizResults()).learners_failing
        rows = rows.filter(learner_id__in=sorted(failing))
    return rows


def _mentees_kept(
    *, user: User, flag: str | None, segment: Segment | None, now: datetime
) -> QuerySet[Enrolment]:
    """The user's mentees that `flag` and `segment` keep: the rows of the table, without its columns."""
    rows = mentee_enrolments_for(user=user)
    if segment is not None:
        rows = _segment_filter(rows, user=user, segment=segment, now=now)
    return rows.filter(_flag_condition(flag, now)) if flag in _FLAG_CONDITIONS else rows


def mentee_count(
    *, user: User, flag: str | None = None, now: datetime | None = None, segment: Segment | None = None
) -> int:
    """How many rows `mentee_table` has for the same arguments, counted over the filtered enrolments
    alone: the table's joins and columns cost a page's count as much to build as the page itself."""
    rows = _mentees_kept(user=user, flag=flag, segment=segment, now=now or timezone.now())
    return rows.select_related(None).count()


SORTS: dict[str, list[F | Lower]] = {
    "learner": [Lower(display_name_expression("learner__"))],
    "current_week": [F("standing__current_week")],
    "weeks_behind": [F("standing__weeks_behind")],
    "completion": [F("standing__completion_percent")],
    "last_activity": [F("last_activity_at")],
    "quiz_average": [F(QUIZ_AVERAGE)],
    "cards_due": [F("cards_due"), F("cards_retention")],
    "flags": [F("flag_count")],
}
SORT_KEYS = list(SORTS)


_ENROLMENT_VALUES = ("id", "learner_id", "last_activity_at")
_LEARNER_VALUES = ("name", "first_name", "last_name", "email", "username")
_STANDING_VALUES = (
    *("state", "current_week", "weeks_behind", "weeks_ahead", "completion_percent", "phase_completion"),
)
_QUIZ_VALUES = (
    *("average_best_percent", "last_quiz_title", "last_status", "last_percent", "last_best_percent"),
    *("failed_titles", "reviews_waiting"),
)
_CARD_VALUES = ("cards_due", "cards_reviewed_7d", "cards_retention", "cards_retention_by_phase")
ROW_VALUES = (
    *_ENROLMENT_VALUES,
    *(f"learner__{name}" for name in _LEARNER_VALUES),
    *(f"standing__{name}" for name in _STANDING_VALUES),
    *(f"{QUIZ_RECORD}__{name}" for name in _QUIZ_VALUES),
    *_CARD_VALUES,
    "project_waiting",
)
"""What a table row reads (`mentee_row`): plain values of the enrolment, its learner, standing and quiz
record, and the row's annotations (`card_columns`, `project_waiting`). Read as model instances, with
every column (the quiz record's per-phase results, the learner's password hash), 25 rows took three
times as long."""
_ROW_PARTS = (
    _ENROLMENT_VALUES,
    _LEARNER_VALUES,
    _STANDING_VALUES,
    _QUIZ_VALUES,
    (*_CARD_VALUES, "project_waiting"),
)
_LEARNER_FIELDS = ("id", *_LEARNER_VALUES)
_STANDING_FIELDS = ("enrolment_id", *_STANDING_VALUES)
_ROW_SLICES = [
    slice(end - len(part), end)
    for part, end in zip(_ROW_PARTS, accumulate(map(len, _ROW_PARTS)), strict=True)
]


def _order_of(sort: str) -> tuple[str, list[Any]]:
    """The SORTS key `sort` names ("-" for descending; unknown values fall back to the default) and its
    ORDER BY expressions, ending with the id: rows without a value sort as lowest."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "flags", True
    order = [
        expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True)
        for expression in SORTS[key]
    ]
    return key, [*order, "id"]


def _flag_count(now: datetime) -> Any:
    """How many flags a row has (the default order): the stored ones counted (`MenteeFlags`, none without
    a row), the ones that change with time computed."""
    stored = Coalesce(F("mentee_flags__count"), Value(0), output_field=IntegerField())
    return sum((_raised(_flag_condition(flag, now)) for flag in LIVE_FLAGS), start=stored)


def mentee_table(
    *,
    user: User,
    flag: str | None = None,
    sort: str = "-flags",
    now: datetime | None = None,
    segment: Segment | None = None,
) -> QuerySet[Enrolment]:
    """The mentor table's rows as one query: the user's mentees with standing, learner and quiz record
    joined, filtered by `flag` and by a workspace chart's `segment`, and ordered by `sort` (a SORT_KEYS
    key, "-" for descending; unknown values fall back to the default). Rows without a value sort as
    lowest. For every row at once (the CSV, the digest, the API, the workspace's counts); a page of the
    dashboard is `mentee_page`'s."""
    now = now or timezone.now()
    rows = (
        _mentees_kept(user=user, flag=flag, segment=segment, now=now)
        .select_related(None)
        .select_related("learner", "standing", QUIZ_RECORD)
        .annotate(**card_columns(now=now), project_waiting=_stored_project_waiting())
        .annotate(flag_count=_flag_count(now))
    )
    return rows.order_by(*_order_of(sort)[1])


def _ordered_for_page(rows: QuerySet[Enrolment], *, sort: str, now: datetime) -> QuerySet[Enrolment]:
    """The kept rows (`_mentees_kept`) in `mentee_table`'s order, for a page to cut (`mentee_page`): only
    what the order needs is joined or computed. PostgreSQL sorts every mentee to cut a page, so rows as
    wide as the table's (JSON columns, review-card counts per row) made the sort cost more than the page
    (9.4 ms against 4.4 ms for 500 mentees); `mentee_rows_by_id` reads the page's rows by key."""
    rows = rows.select_related(None)
    key, order = _order_of(sort)
    if key == "flags":
        rows = rows.annotate(flag_count=_flag_count(now))
    elif key == "cards_due":
        columns = card_columns(now=now)
        rows = rows.annotate(cards_due=columns["cards_due"], cards_retention=columns["cards_retention"])
    return rows.order_by(*order)


_PAGE_NUMBER_MAX = 10**9


@dataclass(frozen=True)
class MenteePage:
    """A page of the mentor table: its rows and Django's `Page` (number, count, neighbours)."""

    rows: list["MenteeRow"]
    page: Page
    total: int


def mentee_page(
    *,
    user: User,
    number: object = 1,
    per_page: int = 25,
    flag: str | None = None,
    sort: str = "-flags",
    now: datetime | None = None,
    segment: Segment | None = None,
) -> MenteePage:
    """Page `number` of the table (as Django's `Paginator.get_page` reads it: not a number, the first;
    past the end, the last) in two queries: the page's ids with the number of rows (a window count over
    the ids the order sorts anyway), then the rows by key. A page past the end costs one count more."""
    now = now or timezone.now()
    kept = _mentees_kept(user=user, flag=flag, segment=segment, now=now)
    ordered = _ordered_for_page(kept, sort=sort, now=now)
    counted = ordered.annotate(total=Window(Count("pk"))).values_list("id", "total")
    try:
        # At most a number whose offset PostgreSQL can read (a bigint): anything past the end is the last.
        wanted = min(max(1, int(str(number))), _PAGE_NUMBER_MAX)
    except ValueError:
        wanted = 1
    found = list(counted[(wanted - 1) * per_page : wanted * per_page])
    if found:
        total = found[0][1]
    else:
        total = mentee_count(user=user, flag=flag, segment=segment, now=now)
        last = max(1, math.ceil(total / per_page))
        if wanted > last and total:
            wanted = last
            found = list(counted[(wanted - 1) * per_page : wanted * per_page])
        else:
            wanted = min(wanted, last)
    paginator = CountedPaginator([], per_page, count=total)
    ids = [pk for pk, _ in found]
    rows = mentee_rows_by_id(enrolment_ids=ids, now=now)
    return MenteePage(rows=rows, page=Page(rows, wanted, paginator), total=total)


def mentee_rows_by_id(*, enrolment_ids: list[int], now: datetime | None = None) -> list["MenteeRow"]:
    """The table rows of these enrolments (a page `mentee_page` cut), in the order given: one query by
    key. The caller scopes the ids: `mentee_page` only gives a user's own mentees."""
    now = now or timezone.now()
    enrolments = Enrolment.objects.filter(pk__in=enrolment_ids).annotate(
        **card_columns(now=now), project_waiting=_stored_project_waiting()
    )
    by_id = {row.enrolment.pk: row for row in mentee_rows_from(enrolments, now=now)}
    return [by_id[pk] for pk in enrolment_ids if pk in by_id]


def mentee_rows_from(rows: QuerySet[Enrolment], *, now: datetime) -> Iterator["MenteeRow"]:
    """The table rows of `rows` (`mentee_table`, or enrolments with its `card_columns` and
    `project_waiting` annotations), in their order, read as values (`ROW_VALUES`)."""
    for values in rows.values_list(*ROW_VALUES):
        yield mentee_row(values, now=now)


@dataclass(frozen=True)
class QuizSummaryRow:
    """The quiz columns of a mentor table row (from the learner's stored QuizRecord)."""

    average_percent: Decimal | None = None
    last_quiz: str | None = None
    last_status: str | None = None
    last_percent: Decimal | None = None
    """The latest attempt's score."""
    last_best_percent: Decimal | None = None
    """The best graded score on that same quiz."""
    failed_quizzes: list[str] = field(default_factory=list)
    pending_reviews: int = 0

    @property
    def last_passed(self) -> bool | None:
        return {"passed": True, "failed": False}.get(self.last_status or "")

    # As the table shows them (`percent_text`: the one rounding rule).
    @property
    def average_text(self) -> str:
        return percent_text(self.average_percent)

    @property
    def last_text(self) -> str:
        return percent_text(self.last_percent)

    @property
    def last_best_text(self) -> str:
        return percent_text(self.last_best_percent)

    @classmethod
    def of(
        cls,
        average: Decimal | None,
        last_title: str | None,
        last_status: str | None,
        last_percent: Decimal | None,
        last_best: Decimal | None,
        failed_titles: list[str] | None,
        reviews_waiting: int | None,
    ) -> "QuizSummaryRow":
        """From the learner's stored QuizRecord's `_QUIZ_VALUES` (all None: the learner has none)."""
        return cls(
            average_percent=average,
            last_quiz=last_title or None,
            last_status=last_status or None,
            last_percent=last_percent,
            last_best_percent=last_best,
            failed_quizzes=list(failed_titles or []),
            pending_reviews=reviews_waiting or 0,
        )


@dataclass
class MenteeRow:
    enrolment: Enrolment
    """The enrolment's id, learner and last activity (with the learner's name fields), not the rest."""
    standing: Standing
    quiz: QuizSummaryRow
    now: datetime
    cards_due: int = 0
    """Review cards due now (`cards.selectors.card_columns`)."""
    cards_reviewed_7d: int = 0
    cards_retention: float | None = None
    cards_retention_by_phase: dict[str, float] | None = None
    project_waiting: bool = False
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def learner(self) -> User:
        return self.enrolment.learner

    @property
    def current_week(self) -> int | None:
        return self.standing.current_week

    @property
    def weeks_behind(self) -> int:
        return self.standing.weeks_behind

    @property
    def schedule_label(self) -> str:
        return self.standing.label

    @property
    def completion_percent(self) -> int:
        return self.standing.completion_percent

    @property
    def phase_percents(self) -> dict[int, int]:
        return self.standing.phase_percents

    @property
    def last_activity(self) -> datetime:
        return self.enrolment.last_activity_at

    @property
    def days_inactive(self) -> int:
        return (self.now - self.last_activity).days

    @property
    def phase_summary(self) -> str:
        return " · ".join(f"P{phase} {percent}%" for phase, percent in self.phase_percents.items())

    @property
    def cards_retention_percent(self) -> int | None:
        """The stored estimate of the learner's retention (all phases), as a whole percent."""
        value = self.cards_retention
        return None if value is None else round(value * 100)

    @property
    def cards_retention_summary(self) -> str:
        """The stored retention estimate per phase: "P1 82% · P2 74%" (empty before any review)."""
        by_phase = self.cards_retention_by_phase or {}
        return " · ".join(f"P{phase} {round(value * 100)}%" for phase, value in sorted(by_phase.items()))

    @property
    def flag_labels(self) -> list[str]:
        return [FLAGS[flag] for flag in self.flags]


def _instance(model: type[ModelT], names: tuple[str, ...], values: Sequence[Any]) -> ModelT:
    """An instance of `model` holding these fields' values (the others deferred), made as the ORM makes
    one from a row: `Model.from_db` takes the values in the model's field order."""
    attnames, positions = _field_order(model, names)
    return model.from_db(None, attnames, [values[position] for position in positions])


@functools.cache
def _field_order(model: type[Model], names: tuple[str, ...]) -> tuple[list[str], list[int]]:
    """`names` in `model`'s field order, and where each is in `names` (worked out once per process)."""
    attnames = [field.attname for field in model._meta.concrete_fields if field.attname in names]
    return attnames, [names.index(name) for name in attnames]


def mentee_row(values: Sequence[Any], *, now: datetime | None = None) -> MenteeRow:
    """One table row, with its flags and the reason for each, from its `ROW_VALUES`. The rules stay the
    models' (`User.display_name`, `Standing.label` and `phase_percents`): the row holds instances made
    of the values read (`Model.from_db`, the ORM's own constructor; other fields deferred)."""
    now = now or timezone.now()
    enrolment_values, learner_values, standing_values, quiz_values, card_values = (
        values[part] for part in _ROW_SLICES
    )
    enrolment = _instance(Enrolment, _ENROLMENT_VALUES, enrolment_values)
    enrolment.learner = _instance(User, _LEARNER_FIELDS, (enrolment.learner_id, *learner_values))
    if standing_values[0] is None:  # no stored standing yet: what a new one says
        standing = Standing(enrolment_id=enrolment.pk)
    else:
        standing = _instance(Standing, _STANDING_FIELDS, (enrolment.pk, *standing_values))
    cards_due, reviewed, retention, retention_by_phase, project_is_waiting = card_values
    row = MenteeRow(
        enrolment=enrolment,
        standing=standing,
        quiz=QuizSummaryRow.of(*quiz_values),
        now=now,
        cards_due=cards_due or 0,
        cards_reviewed_7d=reviewed or 0,
        cards_retention=retention,
        cards_retention_by_phase=retention_by_phase,
        project_waiting=bool(project_is_waiting),
    )
    if row.weeks_behind:
        row.flags.append("behind")
        row.reasons.append(f"{weeks_phrase(row.weeks_behind)} overdue")
    if now - row.last_activity >= INACTIVE_AFTER:
        row.flags.append("inactive")
        row.reasons.append(f"no activity for {row.days_inactive} days")
    if row.quiz.failed_quizzes:
        row.flags.append("failed_quiz")
        row.reasons.append(f"failed {', '.join(row.quiz.failed_quizzes)}")
    if row.quiz.pending_reviews:
        waiting = row.quiz.pending_reviews
        row.flags.append("pending_review")
        row.reasons.append(f"{waiting} submission{'' if waiting == 1 else 's'} waiting for your review")
    if row.project_waiting:
        row.flags.append("project_waiting")
        row.reasons.append("a project version waiting for your review")
    return row


def mentee_rows(
    *, user: User, flag: str | None = None, sort: str = "-flags", now: datetime | None = None
) -> list[MenteeRow]:
    """Every row of the mentor table (the CSV, the digest); pages paginate `mentee_table` instead."""
    now = now or timezone.now()
    return list(mentee_rows_from(mentee_table(user=user, flag=flag, sort=sort, now=now), now=now))


_PERSON_NAME_FIELDS = ("name", "first_name", "last_name", "email", "username")


def _display_name(fields: list[Any]) -> str:
    """User.display_name of a user read as the values of `_PERSON_NAME_FIELDS` ("" for a deleted user:
    all None). The rule stays the model's: a user made of the five fields applies it."""
    if fields[-1] is None:
        return ""
    return User(**dict(zip(_PERSON_NAME_FIELDS, fields, strict=True))).display_name


@dataclass(frozen=True)
class FeedbackItem:
    """A message on a learner's week, as their week page shows it."""

    body: str
    from_learner: bool
    created_at: datetime
    author: str
    """The author's display name ("" once their account is gone)."""


def feedback_for(*, enrolment: Enrolment, week: Week) -> list[FeedbackItem]:
    """The mentor's feedback on the learner's week and the learner's replies, oldest first (one query,
    read as values: the learner's week page asks on every visit)."""
    rows = (
        WeekFeedback.objects.filter(enrolment_id=enrolment.pk, week_id=week.pk)
        .order_by("created_at", "id")
        .values_list(
            "body", "from_learner", "created_at", *(f"author__{field}" for field in _PERSON_NAME_FIELDS)
        )
    )
    return [
        FeedbackItem(body, from_learner, created_at, _display_name(author_fields))
        for body, from_learner, created_at, *author_fields in rows
    ]


@dataclass(frozen=True)
class PhaseReviewItem:
    """A phase review as the learner's and the mentor's pages show it."""

    phase_number: int
    phase_title: str
    decision: str
    comments: str
    created_at: datetime
    reviewer: str
    """The reviewer's display name ("" once their account is gone)."""

    @property
    def is_signed_off(self) -> bool:
        return self.decision == PhaseReview.Decision.SIGNED_OFF

    @property
    def decision_label(self) -> str:
        return PhaseReview.Decision(self.decision).label


def phase_reviews_for(*, enrolment: Enrolment) -> dict[int, PhaseReviewItem]:
    """The latest review of each phase, keyed by phase number, in phase order (one query, read as
    values: the dashboard asks on every visit, and most learners have none)."""
    rows = (
        PhaseReview.objects.filter(enrolment_id=enrolment.pk)
        .order_by("created_at", "id")
        .values_list(
            "phase__number", "phase__title", "decision", "comments", "created_at",
            *(f"reviewer__{field}" for field in _PERSON_NAME_FIELDS),
        )
    )  # fmt: skip
    latest: dict[int, PhaseReviewItem] = {}
    for number, title, decision, comments, created_at, *reviewer_fields in rows:
        latest[number] = PhaseReviewItem(
            number, title, decision, comments, created_at, _display_name(reviewer_fields)
        )
    return dict(sorted(latest.items()))


def phases_ready_for_review(
    *, enrolment: Enrolment, overview: LearnerOverview | None = None
) -> dict[int, list[str]]:
    """For each phase, what still stops a sign-off (empty list: ready): its sign-off project not accepted
    (projects: weeks 22, 38, 51), weeks not completed, quizzes not passed.

    Pass the learner's `overview` when the page has it: its rows already hold every week's phase and
    status (three queries fewer), and, read with `projects.selectors.week_project_annotations` and
    `assessments.selectors.week_quiz_annotations`, the state of each week's project and quiz (two fewer).
    """
    if overview is None:
        overview = learner_overview(enrolment=enrolment)
    if overview.rows and all("quiz_unpassed" in row.week.__dict__ for row in overview.rows):
        unpassed = {row.week.number for row in overview.rows if row.week.quiz_unpassed}  # type: ignore[attr-defined]
    else:
        unpassed = unpassed_quiz_weeks_for(learner_id=enrolment.learner_id)
    projects_missing = sign_off_projects_missing(
        enrolment_id=enrolment.pk, weeks=[row.week for row in overview.rows]
    )
    numbers_of: dict[int, list[int]] = {item.phase.number: [] for item in overview.phases}
    completed = set()
    for row in overview.rows:
        numbers_of[row.week.phase.number].append(row.week.number)
        if row.planned.is_completed:
            completed.add(row.week.number)
    blockers: dict[int, list[str]] = {}
    for phase_number, numbers in numbers_of.items():
        missing = [n for n in numbers if n not in completed]
        failing = [n for n in numbers if n in unpassed]
        reasons = []
        if phase_number in projects_missing:
            weeks = ", ".join(map(str, projects_missing[phase_number]))
            reasons.append(f"project not accepted yet: week {weeks}")
        if missing:
            reasons.append(f"weeks not completed: {', '.join(map(str, missing))}")
        if failing:
            reasons.append(f"quizzes not passed: weeks {', '.join(map(str, failing))}")
        blockers[phase_number] = reasons
    return blockers
