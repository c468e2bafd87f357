"""Reads of invitations for other apps."""

from django.db.models import OuterRef, Subquery

from invitations.models import Invitation


def invitation_status_in(*, cohort_id: int) -> Subquery:
    """On enrolment rows: the status of the learner's invitation to the cohort (None: never invited)."""
    return Subquery(
        Invitation.objects.filter(user_id=OuterRef("learner_id"), cohort_id=cohort_id).values("status")[:1]
    )
