"""The bridge to the `fsrs` package (the scheduler itself is the library's; nothing here restates it).

- `scheduler_for(desired_retention)`: the library's `Scheduler` with the learner's retention.
- `fsrs_card_of(card)` / `fields_of(fsrs_card)`: a stored row to the library's card and back.
- `suggested_rating(...)`: the rating a review page proposes from correctness and time.
"""

from datetime import UTC, datetime

from django.conf import settings
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from cards.models import Card

# A correct answer given this fast is suggested Easy; slower than SLOW, Hard (seconds).
QUICK_SECONDS = 10
SLOW_SECONDS = 60


def scheduler_for(desired_retention: float) -> Scheduler:
    """The library's scheduler (default parameters and learning steps). Fuzzing spreads reviews that
    would fall on the same day; `CARDS_FSRS_FUZZ = False` turns it off."""
    return Scheduler(
        desired_retention=desired_retention, enable_fuzzing=getattr(settings, "CARDS_FSRS_FUZZ", True)
    )


def utc(moment: datetime) -> datetime:
    """The library accepts only datetimes whose tzinfo is `datetime.UTC`."""
    return moment.astimezone(UTC)


def fsrs_card_of(card: Card) -> FsrsCard:
    return FsrsCard(
        card_id=card.pk or 0,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=utc(card.due),
        last_review=utc(card.last_review) if card.last_review else None,
    )


def fields_of(fsrs_card: FsrsCard) -> dict[str, object]:
    """The stored columns of the library's card."""
    return {
        "state": int(fsrs_card.state),
        "step": fsrs_card.step,
        "stability": fsrs_card.stability,
        "difficulty": fsrs_card.difficulty,
        "due": fsrs_card.due,
        "last_review": fsrs_card.last_review,
    }


def suggested_rating(
    *, correct: bool | None, partly: bool = False, seconds: float | None = None
) -> int | None:
    """What the page proposes (the learner may pick another): wrong → Again, partly right → Hard, right →
    Easy when quick, Hard when slow, else Good. None when there is nothing to judge (free text)."""
    if correct is None:
        return None
    if not correct:
        return int(Rating.Hard if partly else Rating.Again)
    if seconds is not None and seconds <= QUICK_SECONDS:
        return int(Rating.Easy)
    if seconds is not None and seconds > SLOW_SECONDS:
        return int(Rating.Hard)
    return int(Rating.Good)


def retry_rating(*, passed: bool | None) -> int | None:
    """An exercise card's suggestion from the learner's retry (their latest run since it came due): every
    test passed → Good, a test failed → Again; no retry → None. Retrying takes minutes, so time says
    nothing about recall here, and "Easy" is the learner's to give."""
    if passed is None:
        return None
    return int(Rating.Good if passed else Rating.Again)


def retrievability(card: Card, *, scheduler: Scheduler, now: datetime) -> float:
    """The library's estimate of the chance the learner recalls the card now (0 before any review)."""
    return float(scheduler.get_card_retrievability(fsrs_card_of(card), utc(now)))
