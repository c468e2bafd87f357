"""Writes to enrolments and progress."""

from django.utils import timezone

from accounts.models import User
from progress.models import Enrolment
from progress.selectors import CURRENT_STATUSES


def activity_touch(*, learner: User) -> None:
    """Record that the learner did something (marked progress, submitted a quiz) just now."""
    Enrolment.objects.filter(learner=learner, status__in=CURRENT_STATUSES).update(
        last_activity_at=timezone.now()
    )
