"""A learner's review cards, their ratings and review settings: exported, and deleted with their account
(the protocol: accounts/personal_data.py). Cards count towards nothing else, so nothing is kept."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from cards.models import Card, Review, ReviewProfile
from lms.personal_data import Export, Identity, iso


def export(user: User) -> Export:
    cards = [
        {
            "question": card.question.prompt if card.question else None,
            "exercise": card.exercise.title if card.exercise else None,
            "origin": card.origin,
            "state": card.get_state_display(),
            "due": iso(card.due),
            "last_review": iso(card.last_review),
            "reviews_count": card.reviews_count,
            "retired_at": iso(card.retired_at),
            "created_at": iso(card.created_at),
            "reviews": [
                {
                    "rating": review.get_rating_display(),
                    "suggested_rating": review.suggested_rating,
                    "answer_correct": review.answer_correct,
                    "duration_ms": review.duration_ms,
                    "reviewed_at": iso(review.reviewed_at),
                    "due_before": iso(review.due_before),
                    "due_after": iso(review.due_after),
                }
                for review in card.reviews.all()
            ],
        }
        for card in Card.objects.filter(learner=user)
        .select_related("question", "exercise")
        .prefetch_related("reviews")
        .order_by("created_at", "pk")
    ]
    profile = ReviewProfile.objects.filter(learner=user).first()
    settings = (
        {"desired_retention": profile.desired_retention, "retention_estimate": profile.retention_estimate}
        if profile
        else None
    )
    return Export(records={"cards": {"cards": cards, "settings": settings}})


def erase(user: User, *, identity: Identity) -> list[str]:
    Review.objects.filter(learner=user).delete()
    Card.objects.filter(learner=user).delete()
    ReviewProfile.objects.filter(learner=user).delete()
    return []


def owned(user: User) -> list[QuerySet[Any]]:
    return []
