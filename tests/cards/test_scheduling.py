"""Reviews schedule cards exactly as the fsrs package does; due is the learner's day; reviews are private
to scheduling (grades never change); two tabs reviewing one card both count, on a consistent state."""

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from freezegun import freeze_time
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from assessments.models import QuizRecord, Submission
from cards.models import Card, Review
from cards.selectors import day_end_of, due_summary_for, retention_estimates
from cards.services import card_review, desired_retention_set
from tests.assessments.conftest import enrol, make_quiz
from tests.cards.conftest import card_for, graded_attempt

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HISTORY = [  # (rating, when)
    (Rating.Good, START),
    (Rating.Good, START + timedelta(minutes=12)),
    (Rating.Again, START + timedelta(days=3)),
    (Rating.Hard, START + timedelta(days=3, minutes=15)),
    (Rating.Easy, START + timedelta(days=9)),
    (Rating.Good, START + timedelta(days=40)),
]


@pytest.mark.parametrize("retention", [0.9, 0.8])
def test_ratings_move_the_due_date_as_the_fsrs_scheduler_does(learner, retention):
    quiz = make_quiz(week=1)
    card = card_for(learner, quiz, now=START)
    if retention != 0.9:
        desired_retention_set(learner=learner, desired_retention=retention)
    library = Scheduler(desired_retention=retention)
    expected = FsrsCard(due=START)
    for seed, (rating, planned) in enumerate(HISTORY):
        card.refresh_from_db()
        when = max(planned, card.due)  # a card is rated only once due (cards.services.card_review)
        random.seed(seed)  # the same fuzz for both
        card_review(learner=learner, card_id=card.pk, rating=int(rating), now=when)
        random.seed(seed)
        expected, _ = library.review_card(expected, rating, when)
        card.refresh_from_db()
        assert card.due == expected.due
        assert card.state == int(expected.state)
        assert card.step == expected.step
        assert card.stability == pytest.approx(expected.stability)
        assert card.difficulty == pytest.approx(expected.difficulty)
    assert card.reviews_count == len(HISTORY)
    assert list(
        Review.objects.filter(card=card).order_by("reviewed_at").values_list("rating", flat=True)
    ) == [int(rating) for rating, _ in HISTORY]
    assert card.due > HISTORY[-1][1] + timedelta(days=20)  # a well-known card comes back much later


def test_desired_retention_is_bounded(learner):
    for bad in (0.5, 0.99, "lots", None):
        with pytest.raises(ValidationError) as error:
            desired_retention_set(learner=learner, desired_retention=bad)  # type: ignore[arg-type]
        assert "desired_retention" in error.value.message_dict


def test_a_bad_rating_or_someone_elses_card_is_refused(learner, other_learner):
    card = card_for(learner, make_quiz(week=1))
    for bad in (0, 5, True, "3"):
        with pytest.raises(ValidationError):
            card_review(learner=learner, card_id=card.pk, rating=bad)  # type: ignore[arg-type]
    with pytest.raises(Card.DoesNotExist):
        card_review(learner=other_learner, card_id=card.pk, rating=3)


def test_a_card_is_due_in_the_learners_time_zone(learner):
    card = card_for(learner, make_quiz(week=1), now=START)
    # 16:00 UTC on 5 January: before London's midnight, after Tokyo's (Tokyo is already on the 6th).
    Card.objects.filter(pk=card.pk).update(due=datetime(2026, 1, 5, 16, 0, tzinfo=UTC))
    enrolment = enrol(learner)
    with freeze_time("2026-01-05 14:00:00"):
        enrolment.timezone = "Europe/London"
        assert due_summary_for(learner=learner, before=day_end_of(enrolment)).count == 1
        enrolment.timezone = "Asia/Tokyo"  # 23:00 there: the card falls due tomorrow, Tokyo time
        assert due_summary_for(learner=learner, before=day_end_of(enrolment)).count == 0
        enrolment.timezone = "America/Los_Angeles"
        assert due_summary_for(learner=learner, before=day_end_of(enrolment)).count == 1


def test_retired_cards_are_never_due(learner):
    card = card_for(learner, make_quiz(week=1))
    Card.objects.filter(pk=card.pk).update(retired_at=START)
    assert due_summary_for(learner=learner, before=START + timedelta(days=999)).count == 0


def test_reviews_never_change_grades_or_attempts(learner):
    quiz = make_quiz(week=1, max_attempts=1)
    submission = graded_attempt(learner, quiz)
    from cards.services import cards_create_for_submission

    cards_create_for_submission(submission_id=submission.pk)
    before = (
        list(Submission.objects.values()),
        list(QuizRecord.objects.values()),
        list(submission.answers.values()),
    )
    for card in Card.objects.filter(learner=learner):
        card_review(learner=learner, card_id=card.pk, rating=4)
    after = (
        list(Submission.objects.values()),
        list(QuizRecord.objects.values()),
        list(submission.answers.values()),
    )
    assert before[0] == after[0]
    assert before[2] == after[2]
    assert [{**r, "refreshed_at": None} for r in before[1]] == [{**r, "refreshed_at": None} for r in after[1]]


def test_retention_estimates_come_from_the_fsrs_state_per_phase(learner):
    card = card_for(learner, make_quiz(week=1), now=START)
    assert retention_estimates(learner_ids=[learner.pk], now=START)[learner.pk].overall is None
    card_review(learner=learner, card_id=card.pk, rating=3, now=START)
    card.refresh_from_db()
    later = START + timedelta(days=10)
    from cards.scheduling import fsrs_card_of

    expected = Scheduler().get_card_retrievability(fsrs_card_of(card), later)
    estimate = retention_estimates(learner_ids=[learner.pk], now=later)[learner.pk]
    assert estimate.overall == pytest.approx(expected, abs=0.001)
    assert estimate.by_phase == {1: pytest.approx(expected, abs=0.001)}


@pytest.mark.django_db(transaction=True)
def test_two_tabs_reviewing_one_card_record_both_reviews_on_a_consistent_state(curriculum_tx):
    from tests.factories import UserFactory

    learner = UserFactory(username="two_tabs")
    card = card_for(learner, make_quiz(week=1), now=START)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def tab(rating: int) -> None:
        try:
            barrier.wait()
            card_review(learner=learner, card_id=card.pk, rating=rating, now=START + timedelta(minutes=1))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(rating,)) for rating in (3, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    card.refresh_from_db()
    reviews = list(Review.objects.filter(card=card).order_by("id"))
    assert len(reviews) == 2
    assert card.reviews_count == 2
    # The second review started from the first's result: replaying both in order gives the stored state.
    random.seed(0)
    library = Scheduler(enable_fuzzing=False)
    replay = FsrsCard(due=START)
    for review in reviews:
        replay, _ = library.review_card(replay, Rating(review.rating), START + timedelta(minutes=1))
        assert review.due_after == replay.due
    assert (card.due, card.state, card.step) == (replay.due, int(replay.state), replay.step)
    assert reviews[1].due_before == reviews[0].due_after


@pytest.mark.parametrize(
    ("correct", "partly", "seconds", "expected"),
    [
        (False, False, 5, Rating.Again),
        (False, True, 5, Rating.Hard),
        (True, False, 4, Rating.Easy),
        (True, False, 10, Rating.Easy),
        (True, False, 11, Rating.Good),
        (True, False, 60, Rating.Good),
        (True, False, 61, Rating.Hard),
        (True, False, None, Rating.Good),
        (None, False, 5, None),
    ],
)
def test_the_suggested_rating_follows_correctness_and_time(correct, partly, seconds, expected):
    from cards.scheduling import suggested_rating

    suggestion = suggested_rating(correct=correct, partly=partly, seconds=seconds)
    assert suggestion == (None if expected is None else int(expected))


def test_a_card_is_rated_only_while_due_and_once_per_showing(learner):
    """Seven 'easy' ratings in a row moved a card two months and made its retention 100 %: now a rating
    needs the card due, and the page's token (its showing) is good for one rating."""
    card = card_for(learner, make_quiz(week=1), now=START)
    card_review(learner=learner, card_id=card.pk, rating=4, showing=0, now=START)
    with pytest.raises(ValidationError, match="rated already"):
        card_review(learner=learner, card_id=card.pk, rating=4, showing=0, now=START)
    with pytest.raises(ValidationError, match="not due yet"):
        card_review(learner=learner, card_id=card.pk, rating=4, now=START + timedelta(minutes=5))
    card.refresh_from_db()
    assert card.reviews_count == 1
    # Once it comes back, it can be rated again.
    card_review(learner=learner, card_id=card.pk, rating=3, showing=1, now=card.due + timedelta(minutes=1))
    assert Card.objects.get(pk=card.pk).reviews_count == 2
