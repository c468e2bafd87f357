"""The mentor's at-risk flags: what each means (`FLAGS`), each as a condition on an enrolment row in SQL,
and the stored ones (quiz and project flags, refreshed when their sources change) recomputed."""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from assessments.selectors import (
    has_failed_quiz,
    has_reviews_waiting,
)
from lms.translations import ngettext  # (a row each: looked up once per language)
from progress import predicates
from progress.models import Enrolment
from projects.selectors import project_waiting


def _inactive_label() -> str:
    days = predicates.inactive_days()
    return ngettext("Inactive ≥ %(count)s day", "Inactive ≥ %(count)s days", days) % {"count": days}


FLAGS = {
    "behind": gettext_lazy("Behind schedule"),
    "inactive": lazy(_inactive_label, str)(),
    "failed_quiz": gettext_lazy("Failed quiz"),
    "pending_review": gettext_lazy("Answers to review"),
    "project_waiting": gettext_lazy("Project waiting for review"),
}
"""Each flag's label, in the reader's language (lazy: translated where it is shown). The keys are the
API's and the query string's values: never translated."""


FLAG_CONDITIONS: dict[str, Callable[[datetime], Q]] = {
    "behind": lambda now: predicates.behind(),
    "inactive": lambda now: predicates.inactive(now=now),
    "failed_quiz": lambda now: has_failed_quiz(),
    "pending_review": lambda now: has_reviews_waiting(),
    "project_waiting": lambda now: Q(project_waiting()),
}
"""Each flag as a condition on an enrolment row at `now` (joining its standing and quiz record as needed):
the one definition of each flag, for the table's filters, its order and the stored flags."""


STORED_FLAGS = ("failed_quiz", "pending_review", "project_waiting")
"""The flags that writes raise and lower, not time: stored per enrolment (`MenteeFlags`) for the order."""


LIVE_FLAGS = ("behind", "inactive")


def stored_project_waiting() -> Coalesce:
    """A row's "project waiting" as stored (`MenteeFlags`): what its order counted, without the
    projects' subquery per row."""
    return Coalesce(F("mentee_flags__project_waiting"), Value(False), output_field=BooleanField())


def flag_condition(flag: str, now: datetime) -> Q:
    return FLAG_CONDITIONS[flag](now)


def raised_flag(condition: Q) -> Case:
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
    raised = {flag: raised_flag(flag_condition(flag, now)) for flag in STORED_FLAGS}
    rows = Enrolment.objects.filter(pk__in=enrolment_ids).annotate(**raised).values_list("pk", *STORED_FLAGS)
    return [(pk, *(bool(value) for value in values)) for pk, *values in rows]  # type: ignore[misc]


def flag_count(now: datetime) -> Any:
    """How many flags a row has (the default order): the stored ones counted (`MenteeFlags`, none without
    a row), the ones that change with time computed."""
    stored = Coalesce(F("mentee_flags__count"), Value(0), output_field=IntegerField())
    return sum((raised_flag(flag_condition(flag, now)) for flag in LIVE_FLAGS), start=stored)
