"""Writes to cohorts: creating one, and enrolling a learner through it (the one way into a cohort).

Enrolments are made by progress's own service (`progress.services.enrolment_create`): the cohort gives
the start date, the pace and the time zone, so the learner's schedule, standing and mentor's flags are
those of any enrolment.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accounts.models import User
from cohorts.models import Cohort, Membership
from progress import services as progress_services
from progress.models import Enrolment
from progress.scope import CURRENT_STATUSES


def cohort_create(
    *,
    name: str,
    start_date: date,
    pace: Decimal = Decimal("1"),
    timezone_name: str = "UTC",
    mentors: Iterable[User] = (),
) -> Cohort:
    cohort = Cohort(name=name, start_date=start_date, pace=pace, timezone=timezone_name)
    cohort.full_clean()
    mentors = list(mentors)
    _check_mentors(mentors)
    try:
        with transaction.atomic():
            cohort.save()
            cohort.mentors.add(*mentors)
    except IntegrityError as error:  # the same name created at the same instant
        raise ValidationError({"name": gettext("A cohort with this name exists already.")}) from error
    return cohort


def _check_mentors(mentors: Iterable[User]) -> None:
    for mentor in mentors:
        if not mentor.is_mentor:
            raise ValidationError(
                {
                    "mentor": gettext("%(user)s is not in the %(group)s group.")
                    % {"user": mentor.email or mentor, "group": User.MENTOR_GROUP}
                }
            )


@dataclass(frozen=True)
class CohortEnrolment:
    """What `cohort_enrol` did: `created` a new enrolment, or `changed` an existing one (moved into the
    cohort or given another mentor); neither when it was already so."""

    enrolment: Enrolment
    created: bool
    changed: bool


def cohort_enrol(*, cohort: Cohort, learner: User, mentor: User | None, changed_by: User) -> CohortEnrolment:
    """Enrol `learner` through `cohort` with `mentor` (None: keep whoever mentors them now).

    - No current enrolment: a new one from the cohort's start date, at its pace, in its time zone.
    - A current enrolment outside any cohort: it joins the cohort and keeps its dates (the learner's
      progress is theirs; staff may change the dates in admin).
    - Already in this cohort: only the mentor may change. In another cohort: refused.

    The mentor joins the cohort's mentors. Idempotent: the same call again changes nothing.
    """
    if mentor is not None:
        _check_mentors([mentor])
        if mentor.pk == learner.pk:
            raise ValidationError({"mentor": gettext("A learner cannot be their own mentor.")})
    if not learner.is_active:
        raise ValidationError(
            {"email": gettext("This account is deactivated: reactivate it in admin first.")}
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=learner.pk).first()  # one enrolment at a time per learner
        current = (
            Enrolment.objects.filter(learner=learner, status__in=CURRENT_STATUSES)
            .select_related("cohort_membership__cohort")
            .first()
        )
        created = changed = False
        if current is None:
            current = progress_services.enrolment_create(
                learner=learner,
                start_date=cohort.start_date,
                pace=cohort.pace,
                timezone_name=cohort.timezone,
                mentor=mentor,
            )
            Membership.objects.create(cohort=cohort, enrolment=current)
            created = True
        else:
            membership = getattr(current, "cohort_membership", None)
            if membership is not None and membership.cohort_id != cohort.pk:
                raise ValidationError(
                    {
                        "cohort": gettext("Already enrolled in the cohort “%(cohort)s”.")
                        % {"cohort": membership.cohort.name}
                    }
                )
            if membership is None:
                Membership.objects.create(cohort=cohort, enrolment=current)
                changed = True
            if mentor is not None and current.mentor_id != mentor.pk:
                current.mentor = mentor
                progress_services.enrolment_save_by_staff(enrolment=current, changed_by=changed_by)
                changed = True
        if mentor is not None:
            cohort.mentors.add(mentor)  # no-op when they are one already
    return CohortEnrolment(enrolment=current, created=created, changed=changed)
