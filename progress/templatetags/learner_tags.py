"""Template tags for pages outside the progress app that show a learner where they are."""

from typing import Any

from django import template

from progress.scope import enrolment_latest_for
from progress.selectors import schedule_for, week_to_continue

register = template.Library()


@register.simple_tag
def continue_week(user: Any) -> int | None:
    """The week the signed-in learner would continue with (None: not a learner, or all done)."""
    if not user.is_authenticated:
        return None
    enrolment = enrolment_latest_for(learner=user)
    return week_to_continue(schedule_for(enrolment)) if enrolment else None
