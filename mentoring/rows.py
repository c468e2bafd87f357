"""One row of the mentor table (`MenteeRow`), built from the values one query reads (no model
instances per row but those the templates need), with its quiz summary and flags."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import accumulate
from typing import Any, TypeVar

from django.db.models import (
    Model,
)
from django.utils import timezone

from accounts.models import User
from assessments.grading import percent_text
from assessments.selectors import (
    QUIZ_RECORD,
)
from lms.translations import gettext, ngettext  # (a row each: looked up once per language)
from mentoring.flags import FLAGS
from progress import predicates
from progress.models import Enrolment, Standing

ModelT = TypeVar("ModelT", bound=Model)


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
    def inactive_phrase(self) -> str:
        """How long ago the last activity was: "today", "3 days ago"."""
        days = self.days_inactive
        if not days:
            return gettext("today")
        return ngettext("%(count)s day ago", "%(count)s days ago", days) % {"count": days}

    @property
    def cards_due_phrase(self) -> str:
        count = self.cards_due
        return ngettext("%(count)s due", "%(count)s due", count) % {"count": count}

    @property
    def cards_reviewed_phrase(self) -> str:
        count = self.cards_reviewed_7d
        return ngettext("%(count)s reviewed in 7 days", "%(count)s reviewed in 7 days", count) % {
            "count": count
        }

    @property
    def phase_summary(self) -> str:
        return " · ".join(_phase_percent(phase, percent) for phase, percent in self.phase_percents.items())

    @property
    def cards_retention_percent(self) -> int | None:
        """The stored estimate of the learner's retention (all phases), as a whole percent."""
        value = self.cards_retention
        return None if value is None else round(value * 100)

    @property
    def cards_retention_summary(self) -> str:
        """The stored retention estimate per phase: "P1 82% · P2 74%" (empty before any review)."""
        by_phase = self.cards_retention_by_phase or {}
        return " · ".join(
            _phase_percent(phase, round(value * 100)) for phase, value in sorted(by_phase.items())
        )

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAGS[flag]) for flag in self.flags]


def _phase_percent(phase: object, percent: int) -> str:
    """ "P1 82%": a phase's short name (F1 in Spanish) and a percent."""
    return gettext("P%(phase)s %(percent)s%%") % {"phase": phase, "percent": percent}


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
    # The reasons are read by the mentor (the table, the CSV, the digest): in the language active when
    # the row is made (the request's, or the digest's recipient's: `lms.locale.for_person`).
    if predicates.is_behind(weeks_behind=row.weeks_behind):
        row.flags.append("behind")
        behind = row.weeks_behind
        row.reasons.append(
            ngettext("%(count)s week overdue", "%(count)s weeks overdue", behind) % {"count": behind}
        )
    if predicates.is_inactive(last_activity_at=row.last_activity, now=now):
        row.flags.append("inactive")
        days = row.days_inactive
        row.reasons.append(
            ngettext("no activity for %(count)s day", "no activity for %(count)s days", days)
            % {"count": days}
        )
    if row.quiz.failed_quizzes:
        row.flags.append("failed_quiz")
        row.reasons.append(gettext("failed %(quizzes)s") % {"quizzes": ", ".join(row.quiz.failed_quizzes)})
    if row.quiz.pending_reviews:
        waiting = row.quiz.pending_reviews
        row.flags.append("pending_review")
        row.reasons.append(
            ngettext(
                "%(count)s submission waiting for your review",
                "%(count)s submissions waiting for your review",
                waiting,
            )
            % {"count": waiting}
        )
    if row.project_waiting:
        row.flags.append("project_waiting")
        row.reasons.append(gettext("a project version waiting for your review"))
    return row
