"""Reads of cohorts: who may see which, the condition other apps filter enrolments by, and a cohort's
figures from its enrolments' stored standings (`progress.Standing`), counted in SQL."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, ngettext, pgettext_lazy

from accounts.models import User
from cohorts.models import Cohort
from cohorts.text import plain_text
from progress import predicates
from progress.models import Enrolment, Standing
from progress.scope import CURRENT_STATUSES


def cohorts_visible_to(*, user: User) -> QuerySet[Cohort]:
    """The one scoping rule: staff see every cohort, a mentor the cohorts they mentor, nobody else any."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    if user.is_staff:
        return Cohort.objects.all()
    if user.is_mentor:
        return Cohort.objects.filter(mentors=user)
    return Cohort.objects.none()


def cohort_choices_for(*, user: User) -> list[tuple[int, str]]:
    """(id, name) of the cohorts a user may filter their lists by, by name (a select's options)."""
    return list(cohorts_visible_to(user=user).order_by("name").values_list("id", "name"))


def mentor_for_email(value: object, *, field: str = "mentor") -> User | None:
    """The active mentor with this e-mail address (a CSV's or the API's mentor column); empty: None.
    Otherwise a ValidationError on `field` saying who is not found or not a mentor."""
    text = plain_text(value, field=field, max_length=254, required=False)
    if not text:
        return None
    mentor = User.objects.filter(email__iexact=text, is_active=True).first()
    if mentor is None:
        raise ValidationError(
            {field: gettext("No account has the address “%(address)s”.") % {"address": text}}
        )
    if not mentor.is_mentor:
        raise ValidationError(
            {
                field: gettext("%(user)s is not in the %(group)s group.")
                % {"user": text, "group": User.MENTOR_GROUP}
            }
        )
    return mentor


def in_cohort(cohort_id: int, prefix: str = "") -> Q:
    """Enrolment rows in the cohort (`prefix`: the path to the enrolment, e.g. "enrolment__"): what the
    mentor table, the workspace and the review queues filter by."""
    return Q(**{f"{prefix}cohort_membership__cohort_id": cohort_id})


def cohort_id_from(value: object, *, user: User) -> int | None:
    """A `?cohort=` parameter as a cohort the user may see, else None (not a number, another's cohort)."""
    try:
        cohort_id = int(str(value))
    except ValueError:
        return None
    return cohort_id if cohorts_visible_to(user=user).filter(pk=cohort_id).exists() else None


def cohort_enrolments(*, cohort: Cohort) -> QuerySet[Enrolment]:
    """Every enrolment made through (or moved into) the cohort, current or ended, with its learner,
    mentor and stored standing."""
    return (
        Enrolment.objects.filter(in_cohort(cohort.pk))
        .select_related("learner", "mentor", "standing")
        .order_by("learner__email", "id")
    )


# A cohort's groups of learners, each a condition on an enrolment row and its standing. Current
# enrolments only, except "left" and "completed". "Inactive" cuts across the others.
def _groups(now: datetime) -> dict[str, Q]:
    current = Q(status__in=CURRENT_STATUSES)
    return {
        "current": current,
        "on_track": current
        & predicates.behind_by(0)
        & Q(standing__state__in=[Standing.State.ON_TRACK, Standing.State.AHEAD]),
        "behind": current & predicates.behind(),
        "not_started": current & Q(standing__state=Standing.State.NOT_STARTED),
        "paused": current & Q(standing__state=Standing.State.PAUSED),
        "inactive": current & predicates.inactive(now=now),
        "completed": Q(status=Enrolment.Status.COMPLETED)
        | (current & Q(standing__state=Standing.State.COMPLETED)),
        "left": Q(status=Enrolment.Status.LEFT),
    }


def _inactive_label() -> str:
    days = predicates.inactive_days()
    return ngettext("Inactive ≥ %(count)s day", "Inactive ≥ %(count)s days", days) % {"count": days}


GROUP_LABELS: dict[str, str | Promise] = {
    "current": pgettext_lazy("cohort group", "Enrolled now"),
    "on_track": pgettext_lazy("cohort group", "On track or ahead"),
    "behind": pgettext_lazy("cohort group", "Behind"),
    "not_started": pgettext_lazy("cohort group", "Starting soon"),
    "paused": pgettext_lazy("cohort group", "Paused"),
    "inactive": lazy(_inactive_label, str)(),
    "completed": pgettext_lazy("cohort group", "Completed"),
    "left": pgettext_lazy("cohort group", "Left"),
}
"""Each group's label, in the reader's language (lazy: translated where it is shown)."""


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    total: int
    counts: dict[str, int]
    average_completion: int
    """Mean completion percent of the current enrolments (0 without any)."""

    @property
    def lines(self) -> list[tuple[str, str | Promise, int]]:
        return [(key, GROUP_LABELS[key], self.counts[key]) for key in GROUP_LABELS]


def cohort_summary(*, cohort: Cohort, now: datetime | None = None) -> CohortSummary:
    """The cohort's figures in one aggregate over its enrolments' stored standings."""
    now = now or timezone.now()
    groups = _groups(now)
    figures = Enrolment.objects.filter(in_cohort(cohort.pk)).aggregate(
        total=Count("pk"),
        average=Avg("standing__completion_percent", filter=groups["current"]),
        **{key: Count("pk", filter=condition) for key, condition in groups.items()},
    )
    return CohortSummary(
        cohort=cohort,
        total=figures.pop("total"),
        average_completion=round(figures.pop("average") or 0),
        counts=figures,
    )


def is_inactive_row(enrolment: Enrolment, *, now: datetime) -> bool:
    """The Python twin of the "inactive" group, for a row already read."""
    return enrolment.status in CURRENT_STATUSES and predicates.is_inactive(
        last_activity_at=enrolment.last_activity_at, now=now
    )
