"""The feedback threads on a learner's weeks (their mentor's comments and their replies) and the phase
reviews: exported, and erased with their account (the protocol: accounts/personal_data.py)."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from accounts.personal_data import shown_name
from lms.personal_data import Export, Identity, iso
from mentoring.models import PhaseReview, WeekFeedback


def export(user: User) -> Export:
    feedback = [
        {
            "enrolment": message.enrolment_id,
            "week": message.week.number,
            "from": "you" if message.from_learner else shown_name(message.author, unnamed="your mentor"),
            "body": message.body,
            "created_at": iso(message.created_at),
        }
        for message in WeekFeedback.objects.filter(enrolment__learner=user)
        .select_related("week", "author")
        .order_by("created_at", "pk")
    ]
    phase_reviews = [
        {
            "enrolment": review.enrolment_id,
            "phase": review.phase.number,
            "decision": review.decision,
            "comments": review.comments,
            "reviewer": shown_name(review.reviewer, unnamed="your mentor"),
            "created_at": iso(review.created_at),
        }
        for review in PhaseReview.objects.filter(enrolment__learner=user)
        .select_related("phase", "reviewer")
        .order_by("created_at", "pk")
    ]
    return Export(records={"feedback": {"weeks": feedback, "phase_reviews": phase_reviews}})


def erase(user: User, *, identity: Identity) -> list[str]:
    """The messages stay as dated, empty rows (what a mentor gave counts); their words go, the
    learner's replies and the mentor's comments about the learner alike. Sign-offs stay as decisions."""
    WeekFeedback.objects.filter(enrolment__learner=user).update(body="")
    PhaseReview.objects.filter(enrolment__learner=user).update(comments="")
    return []


def owned(user: User) -> list[QuerySet[Any]]:
    return [
        WeekFeedback.objects.filter(enrolment__learner=user),
        PhaseReview.objects.filter(enrolment__learner=user),
    ]
