"""The review cards API: due cards, submitting a review, stats, a card's history."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Question
from cards.models import Card, Review
from cards.services import card_retire, cards_create_for_submission
from tests.assessments.conftest import choice, enrol, make_quiz, questions
from tests.cards.conftest import card_for, graded_attempt


@pytest.fixture
def api(learner):
    client = APIClient()
    client.force_authenticate(learner)
    return client


@pytest.fixture
def quiz(learner):
    enrol(learner)
    quiz = make_quiz(week=1, max_attempts=1)
    cards_create_for_submission(submission_id=graded_attempt(learner, quiz).pk)
    return quiz


def test_due_cards_show_the_question_without_its_key(api, quiz):
    body = api.get("/api/v1/me/cards/due/").json()
    assert body["count"] == 3
    single = next(card for card in body["results"] if card["kind"] == "single")
    assert single["prompt"] == "Pick B"
    assert [c["text"] for c in single["choices"]] == ["Option A", "Option B"]
    assert "is_correct" not in str(body)
    assert "EXPLAIN" not in str(body)


def test_a_review_is_recorded_with_the_suggestion_and_the_answer_side(api, learner, quiz):
    card = Card.objects.get(learner=learner, question__kind="single")
    right = choice(questions(quiz)["single"], "Option B")
    response = api.post(
        f"/api/v1/me/cards/{card.pk}/reviews/",
        {"rating": 2, "answer": right, "duration_ms": 4000},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["review"]["rating"] == 2
    assert body["review"]["suggested_rating"] == 4  # right and quick: easy
    assert body["review"]["answer_correct"] is True
    assert body["back"]["correct_answer"] == "Option B"
    assert body["back"]["explanation"] == "EXPLAIN-SINGLE"
    assert body["card"]["reviews_count"] == 1
    assert Review.objects.filter(card=card).count() == 1


@pytest.mark.parametrize(
    "body", [{}, {"rating": 0}, {"rating": 5}, {"rating": "good"}, {"rating": 3, "answer": {"a": 1}},
             {"rating": 3, "duration_ms": -1}, {"rating": 3, "answer": [99999]}],
)  # fmt: skip
def test_bad_input_is_a_400_with_field_messages(api, learner, quiz, body):
    card = Card.objects.get(learner=learner, question__kind="single")
    response = api.post(f"/api/v1/me/cards/{card.pk}/reviews/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {"rating", "answer", "duration_ms"}
    assert not Review.objects.exists()


def test_someone_elses_or_a_retired_card_is_a_404(api, learner, other_learner, quiz):
    other = card_for(other_learner, quiz)
    assert api.post(f"/api/v1/me/cards/{other.pk}/reviews/", {"rating": 3}, format="json").status_code == 404
    assert api.get(f"/api/v1/cards/{other.pk}/").status_code == 404
    own = Card.objects.filter(learner=learner).first()
    Card.objects.filter(pk=own.pk).update(retired_at=timezone.now())
    assert api.post(f"/api/v1/me/cards/{own.pk}/reviews/", {"rating": 3}, format="json").status_code == 404


def test_stats(api, learner, quiz):
    card = Card.objects.filter(learner=learner).first()
    api.post(f"/api/v1/me/cards/{card.pk}/reviews/", {"rating": 3}, format="json")
    body = api.get("/api/v1/me/cards/stats/").json()
    assert body["active"] == 3
    assert body["reviewed_last_7_days"] == 1
    assert body["desired_retention"] == 0.9
    assert body["retention_by_phase"][0]["phase"] == 1
    card_retire(learner=learner, card=card)  # its review still counts; its recall no longer
    body = api.get("/api/v1/me/cards/stats/").json()
    assert (body["active"], body["reviewed_last_7_days"], body["retention"]) == (2, 1, None)


def test_due_cards_take_as_many_queries_for_1000_cards_as_for_one(
    api, learner, django_assert_max_num_queries
):
    quiz = make_quiz(week=1)
    card_for(learner, quiz)
    with django_assert_max_num_queries(10) as one:
        assert api.get("/api/v1/me/cards/due/").json()["count"] == 1
    extra = Question.objects.bulk_create(
        Question(quiz=quiz, order=10 + n, kind="short_text", prompt=f"Q{n}", accepted_answers=["a"])
        for n in range(999)
    )
    now = timezone.now() - timedelta(minutes=5)
    Card.objects.bulk_create(Card(learner=learner, question=q, due=now) for q in extra)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api.get("/api/v1/me/cards/due/").json()["count"] == 1000
