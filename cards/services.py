"""Writes of review cards: creating them from graded attempts, adding, retiring, reviewing, settings.

Every entry point (pages, API, tasks, the backfill command) goes through these functions. Reviews
write only cards, reviews and the learner's review profile: never a submission, answer or grade.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from fsrs import Rating

from accounts.models import User
from assessments.practice import (
    graded_attempts_of,
    graded_submission,
    missed_question_ids,
    questions_seen_by,
)
from assessments.review import review_for
from cards import scheduling
from cards.lifecycle import CARD, card_state
from cards.models import RETENTION_MAX, RETENTION_MIN, Card, Review, ReviewProfile
from cards.selectors import day_end_for, desired_retention_of, retention_estimates, time_zone_of
from exercises.selectors import missed_exercise_of
from progress.predicates import next_midnight

DURATION_MAX_MS = 60 * 60 * 1000  # a review left open longer than an hour says nothing about recall


def cards_create_for_submission(*, submission_id: int, now: datetime | None = None) -> int:
    """Make a card of every question the learner missed (wrong or partly wrong) in their graded
    attempts at the submission's quiz — once the quiz's answers may be shown to them
    (`assessments.review.review_for`, the one rule: never while an attempt could still be graded with
    the key in mind). Idempotent: one card per learner and question. Returns how many were new."""
    submission = graded_submission(submission_id=submission_id)
    if submission is None:
        return 0
    learner = submission.learner
    if not review_for(viewer=learner, submission=submission).correct_answers:
        return 0
    attempts = graded_attempts_of(learner_id=learner.pk, quiz_id=submission.quiz_id)
    shown = [
        attempt.pk for attempt in attempts if review_for(viewer=learner, submission=attempt).correct_answers
    ]
    return cards_add(learner_id=learner.pk, question_ids=missed_question_ids(submission_ids=shown), now=now)


def card_create_for_exercise_run(*, run_id: int, now: datetime | None = None) -> bool:
    """Make a card of the exercise of a submission the learner missed, once the exercise is settled
    for them (`exercises.selectors.missed_exercise_of`, the rule: a submission failed its hidden tests,
    and the learner has passed since or used every attempt). Due now; reviewing it is retrying the
    exercise. Idempotent: one card per learner and exercise (a retired one stays retired). Returns
    whether a card was made."""
    missed = missed_exercise_of(run_id=run_id)
    if missed is None:
        return False
    _, created = Card.objects.get_or_create(
        learner_id=missed.learner_id,
        exercise_id=missed.exercise_id,
        defaults={"origin": Card.Origin.EXERCISE, "due": now or timezone.now()},
    )  # the unique constraint makes a redelivered or concurrent task find the card
    return created


def cards_add(
    *,
    learner_id: int,
    question_ids: Iterable[int],
    origin: str = Card.Origin.MISSED,
    now: datetime | None = None,
) -> int:
    """Insert new cards, due now; existing ones are left as they are. Returns how many were new."""
    ids = set(question_ids)
    if not ids:
        return 0
    now = now or timezone.now()
    existing = set(
        Card.objects.filter(learner_id=learner_id, question_id__in=ids).values_list("question_id", flat=True)
    )
    new = [
        Card(learner_id=learner_id, question_id=question_id, origin=origin, due=now)
        for question_id in sorted(ids - existing)
    ]
    Card.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent task may have made some
    return len(new)


def card_add(*, learner: User, question_id: int) -> Card:
    """The learner adds a question they have seen (answered in an attempt); a retired card comes back."""
    if not questions_seen_by(learner_id=learner.pk).filter(pk=question_id).exists():
        raise ValidationError({"question": gettext("Add a question you have answered in a quiz.")})
    cards_add(learner_id=learner.pk, question_ids=[question_id], origin=Card.Origin.ADDED)
    card = Card.objects.get(learner=learner, question_id=question_id)
    if card.retired_at is not None:
        CARD.check(state=card_state(card, day_end=day_end_for(learner=learner)), move="restore")
        with transaction.atomic():
            card.retired_at = None
            card.save(update_fields=["retired_at"])
            retention_refresh(learner_ids=[learner.pk])  # the estimate counts active cards
    return card


def card_retire(*, learner: User, card: Card) -> Card:
    """The learner stops reviewing a card (idempotent); adding its question again brings it back."""
    if card.learner_id != learner.pk:
        raise ValidationError(gettext("Only the card's learner can retire it."))
    if card.retired_at is None:  # retiring twice changes nothing
        CARD.check(state=card_state(card, day_end=day_end_for(learner=learner)), move="retire")
        with transaction.atomic():
            card.retired_at = timezone.now()
            card.save(update_fields=["retired_at"])
            retention_refresh(learner_ids=[learner.pk])  # the estimate counts active cards
    return card


def card_review(
    *,
    learner: User,
    card_id: int,
    rating: int,
    suggested_rating: int | None = None,
    answer_correct: bool | None = None,
    duration_ms: int | None = None,
    showing: int | None = None,
    now: datetime | None = None,
) -> Review:
    """Record one review of the learner's card and schedule it with the `fsrs` scheduler.

    A card is rated only while it is due (`Card.is_due` before the end of the learner's day at `now`),
    and once per showing: `showing` is the card's `reviews_count` when its answer was shown (the web
    page's signed token carries it), so the same page posted twice records one review.

    The card's row is locked for the review (select_for_update): two tabs rating the same card each
    record their review, the second on top of the first's state, never both from the same state.
    Raises Card.DoesNotExist for a card that is not the learner's or is retired, ValidationError for
    a rating outside 1 to 4.
    """
    if not isinstance(rating, int) or isinstance(rating, bool) or rating not in Review.Rating.values:
        raise ValidationError({"rating": gettext("Rate 1 (again), 2 (hard), 3 (good) or 4 (easy).")})
    if suggested_rating not in (None, *Review.Rating.values):
        suggested_rating = None
    if duration_ms is not None:
        duration_ms = max(0, min(int(duration_ms), DURATION_MAX_MS))
    now = now or timezone.now()
    scheduler = scheduling.scheduler_for(desired_retention_of(learner_id=learner.pk))
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card_id, learner=learner, retired_at__isnull=True)
        if showing is not None and showing != card.reviews_count:
            raise ValidationError({"rating": gettext("This card was rated already: here is the next one.")})
        day_end = next_midnight(now=now, zone=time_zone_of(learner=learner))
        refusal = CARD.refusal(state=card_state(card, day_end=day_end), move="review")
        if refusal is not None:
            raise ValidationError({"rating": refusal})
        due_before = card.due
        reviewed, _ = scheduler.review_card(
            scheduling.fsrs_card_of(card), Rating(rating), scheduling.utc(now), duration_ms
        )
        fields = scheduling.fields_of(reviewed)
        Card.objects.filter(pk=card.pk).update(**fields, reviews_count=F("reviews_count") + 1)
        review = Review.objects.create(
            card=card,
            learner=learner,
            rating=rating,
            suggested_rating=suggested_rating,
            answer_correct=answer_correct,
            duration_ms=duration_ms,
            reviewed_at=now,
            due_before=due_before,
            due_after=reviewed.due,
            state_after=int(reviewed.state),
        )
        retention_refresh(learner_ids=[learner.pk], now=now)
    return review


def desired_retention_set(*, learner: User, desired_retention: float) -> ReviewProfile:
    """The learner's desired retention, within RETENTION_MIN to RETENTION_MAX (cards already scheduled keep
    their due dates; the next review of each uses the new value)."""
    try:
        value = round(float(desired_retention), 2)
    except (TypeError, ValueError) as error:
        raise ValidationError({"desired_retention": gettext("Enter a number such as 0.9.")}) from error
    if not RETENTION_MIN <= value <= RETENTION_MAX:
        raise ValidationError(
            {
                "desired_retention": gettext("Choose between %(low)s and %(high)s.")
                % {"low": f"{RETENTION_MIN:.2f}", "high": f"{RETENTION_MAX:.2f}"}
            }
        )
    profile, _ = ReviewProfile.objects.update_or_create(
        learner=learner, defaults={"desired_retention": value}
    )
    return profile


def retention_refresh(*, learner_ids: Iterable[int], now: datetime | None = None) -> None:
    """Store these learners' estimated retention (overall and per phase, from the FSRS state): what
    the mentor table shows and sorts. Written by each review and by the daily task."""
    now = now or timezone.now()
    estimates = retention_estimates(learner_ids=learner_ids, now=now)
    ReviewProfile.objects.bulk_create(
        [
            ReviewProfile(
                learner_id=learner_id,
                retention_estimate=estimate.overall,
                retention_by_phase={str(phase): value for phase, value in estimate.by_phase.items()},
                estimated_at=now,
            )
            for learner_id, estimate in estimates.items()
        ],
        update_conflicts=True,
        unique_fields=["learner"],
        update_fields=["retention_estimate", "retention_by_phase", "estimated_at"],
    )
