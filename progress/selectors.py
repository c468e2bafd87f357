"""Reads of enrolments and progress, scoped to the requesting user."""

from django.db.models import QuerySet

from accounts.models import User
from progress.models import Enrolment

CURRENT_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED)


def enrolment_current_for(*, learner: User) -> Enrolment | None:
    """The learner's active or paused enrolment, with the mentor loaded; None if not enrolled."""
    return (
        Enrolment.objects.select_related("mentor")
        .filter(learner=learner, status__in=CURRENT_STATUSES)
        .first()
    )


def enrolments_visible_to(*, user: User) -> QuerySet[Enrolment]:
    """The one place that scopes enrolments: learners see their own, mentors their mentees', staff all."""
    enrolments = Enrolment.objects.select_related("learner", "mentor")
    if not user.is_authenticated:
        return enrolments.none()
    if user.is_staff:
        return enrolments
    if user.is_mentor:
        return enrolments.filter(mentor=user) | enrolments.filter(learner=user)
    return enrolments.filter(learner=user)
