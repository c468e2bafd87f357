"""The daily review page, the dashboard's due count, the learner's cards, and the mentor's view."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Question
from cards.forms import token_for
from cards.models import Card, Review
from cards.selectors import card_stats_for
from cards.services import card_review, cards_create_for_submission
from tests.assessments.conftest import choice, enrol, make_quiz, questions
from tests.cards.conftest import card_for, graded_attempt


@pytest.fixture
def finished(learner, mentor):
    """The learner failed a one-attempt quiz: its misses are cards, due now."""
    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=1, max_attempts=1)
    submission = graded_attempt(learner, quiz)
    cards_create_for_submission(submission_id=submission.pk)
    return quiz


def test_the_dashboard_says_how_many_cards_are_due_and_how_long_they_take(client, learner, finished):
    client.force_login(learner)
    page = client.get(reverse("learner:dashboard")).content.decode()
    assert "3 cards due (about 1 minute)." in page
    assert reverse("cards:review") in page


def test_a_review_shows_the_question_then_the_answer_and_a_suggested_rating(client, learner, finished):
    client.force_login(learner)
    page = client.get(reverse("cards:review")).content.decode()
    card = Card.objects.filter(learner=learner).order_by("due", "id").first()
    assert card.question.prompt in page
    assert "EXPLAIN" not in page  # the question side only
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    answer = wrong_answer(card.question)
    response = client.post(reverse("cards:answer", args=[card.pk]), {"token": token, "answer": answer})
    page = response.content.decode()
    assert response.status_code == 200
    assert "not right" in page or "partly right" in page
    assert "<strong>Answer:</strong>" in page
    suggested = re.search(r'value="(\d)" data-rating-key="\d"\s+class="button suggested"', page).group(1)
    assert suggested in {"1", "2"}  # wrong → Again, partly right → Hard
    rate_token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(reverse("cards:rate", args=[card.pk]), {"token": rate_token, "rating": "3"})
    assert response.status_code == 302
    review = Review.objects.get(card=card)
    assert review.rating == 3  # the learner's choice, not the suggestion
    assert review.suggested_rating == int(suggested)
    assert review.answer_correct is False
    card.refresh_from_db()
    assert card.due > timezone.now()
    assert card.reviews_count == 1


def wrong_answer(question: Question) -> object:
    if question.is_choice:
        return str(next(c.pk for c in question.choices.all() if not c.is_correct))
    return "-1"


def test_the_answer_is_hidden_while_the_quiz_can_still_be_attempted(client, learner):
    quiz = make_quiz(week=2, max_attempts=3)
    graded_attempt(learner, quiz)  # attempts left: the key may not be shown
    card = card_for(learner, quiz, kind="single")
    client.force_login(learner)
    token = token_for(card=card.pk, shown=timezone.now().timestamp())
    option_a = str(choice(questions(quiz)["single"], "Option A"))
    page = client.post(reverse("cards:answer", args=[card.pk]), {"token": token, "answer": option_a}).content
    assert b"answers are shown once you have passed it" in page
    assert b"EXPLAIN-SINGLE" not in page
    assert b"<strong>Answer:</strong>" not in page


def test_a_forged_or_foreign_token_is_refused(client, learner, finished):
    cards = list(Card.objects.filter(learner=learner))
    client.force_login(learner)
    other_token = token_for(card=cards[1].pk, shown=timezone.now().timestamp())
    response = client.post(reverse("cards:answer", args=[cards[0].pk]), {"token": other_token})
    assert response.status_code == 400
    fresh = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    response = client.post(reverse("cards:answer", args=[cards[0].pk]), {"token": fresh})  # goes on
    assert response.status_code == 200
    response = client.post(reverse("cards:rate", args=[cards[0].pk]), {"token": "x", "rating": "1"})
    assert response.status_code == 302
    assert not Review.objects.exists()


def test_bad_ratings_and_retention_are_form_errors_not_server_errors(client, learner, finished):
    card = Card.objects.filter(learner=learner).first()
    client.force_login(learner)
    token = token_for(card=card.pk, suggested=None, correct=None, ms=1000)
    for rating in ("0", "5", "x", ""):
        assert (
            client.post(reverse("cards:rate", args=[card.pk]), {"token": token, "rating": rating}).status_code
            == 302
        )
    assert not Review.objects.exists()
    for value in ("0.5", "0.99", "much", ""):
        assert client.post(reverse("cards:settings"), {"desired_retention": value}).status_code == 400
    assert client.post(reverse("cards:settings"), {"desired_retention": "0.85"}).status_code == 302
    assert learner.review_profile.desired_retention == 0.85


def test_the_review_page_takes_as_many_queries_for_1000_cards_as_for_one(
    client, learner, django_assert_max_num_queries
):
    quiz = make_quiz(week=1)
    card_for(learner, quiz)
    client.force_login(learner)
    with django_assert_max_num_queries(10) as one:
        assert client.get(reverse("cards:review")).status_code == 200
        assert client.get(reverse("cards:card-list")).status_code == 200
    extra = Question.objects.bulk_create(
        Question(quiz=quiz, order=10 + n, kind="short_text", prompt=f"Q{n}", accepted_answers=["a"])
        for n in range(999)
    )
    now = timezone.now() - timedelta(minutes=5)
    Card.objects.bulk_create(Card(learner=learner, question=q, due=now) for q in extra)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("cards:review")).status_code == 200
        assert client.get(reverse("cards:card-list")).status_code == 200


def test_the_mentor_sees_due_reviewed_and_retention_per_phase(client, learner, mentor, finished):
    Card.objects.filter(learner=learner).update(due=timezone.now() - timedelta(days=3))  # due then
    for card in Card.objects.filter(learner=learner):
        card_review(learner=learner, card_id=card.pk, rating=3, now=timezone.now() - timedelta(days=2))
    client.force_login(mentor)
    enrolment = learner.enrolments.get()
    page = client.get(reverse("mentoring:learner", args=[enrolment.pk])).content.decode()
    assert "3 reviewed in the last 7 days" in page
    assert re.search(r"Estimated retention now: phase 1 \d+%", page)
    table = client.get(reverse("mentoring:dashboard")).content.decode()
    assert re.search(
        r'data-label="Review">\d+ due<br><span class="muted small">'
        r"3 reviewed in 7 days · retention \d+% \(P1 \d+%\)",
        table,
    )
    assert client.get(reverse("mentoring:dashboard"), {"sort": "-cards_due"}).status_code == 200
    import csv
    import io

    [row] = csv.DictReader(io.StringIO(client.get(reverse("mentoring:dashboard-csv")).content.decode()))
    assert row["cards_reviewed_7d"] == "3"
    assert re.fullmatch(r"P1 \d+%", row["cards_retention"])
    [api_row] = client.get(reverse("api-mentee-list")).json()["results"]
    assert api_row["cards_reviewed_7d"] == 3
    assert 0 < api_row["cards_retention_percent"] <= 100


def test_card_pages_show_times_in_the_readers_time_zone(client, learner, mentor):
    """The learner reads a card's next review in their own zone; their mentor, in theirs (the zone named)."""
    from datetime import UTC, datetime

    enrol(learner, mentor=mentor)
    learner.time_zone, mentor.time_zone = "Asia/Tokyo", "America/Los_Angeles"
    learner.save(update_fields=["time_zone"])
    mentor.save(update_fields=["time_zone"])
    card = card_for(learner, make_quiz(week=1))
    Card.objects.filter(pk=card.pk).update(due=datetime(2026, 1, 5, 16, 0, tzinfo=UTC))
    client.force_login(learner)
    assert "6 January 2026, 01:00 JST" in client.get(reverse("cards:card-list")).content.decode()
    detail = reverse("cards:card-detail", args=[card.pk])
    assert "6 January 2026, 01:00 JST" in client.get(detail).content.decode()
    client.force_login(mentor)
    assert "5 January 2026, 08:00 PST" in client.get(detail).content.decode()


def test_no_guess_is_judged_while_the_quiz_can_still_be_attempted(client, learner):
    """Otherwise the review page would be an oracle for the key of a quiz still open for a grade."""
    from rest_framework.test import APIClient

    quiz = make_quiz(week=2, max_attempts=3)
    graded_attempt(learner, quiz)
    card = card_for(learner, quiz, kind="single")
    right = str(choice(questions(quiz)["single"], "Option B"))
    client.force_login(learner)
    token = token_for(card=card.pk, shown=timezone.now().timestamp())
    page = client.post(reverse("cards:answer", args=[card.pk]), {"token": token, "answer": right}).content
    assert b"right</span>" not in page
    assert b"suggested" not in page.replace(b"suggested-note", b"")
    api = APIClient()
    api.force_authenticate(learner)
    body = api.post(
        f"/api/v1/me/cards/{card.pk}/reviews/", {"rating": 3, "answer": int(right)}, format="json"
    ).json()
    assert body["review"]["answer_correct"] is None
    assert body["review"]["suggested_rating"] is None
    assert body["back"]["key_hidden"] is True


def test_the_learners_stats_and_the_mentor_table_show_the_same_stored_retention(client, learner, finished):
    """Reviewed days ago: the estimate stored then (and by the daily task) is what the stats, the
    mentor's page of the learner and the mentor table all show — never a fresher figure on one page."""
    Card.objects.filter(learner=learner).update(due=timezone.now() - timedelta(days=6))  # due then
    for card in Card.objects.filter(learner=learner):
        card_review(learner=learner, card_id=card.pk, rating=3, now=timezone.now() - timedelta(days=5))
    stored = learner.review_profile.retention_estimate
    stats = card_stats_for(learner=learner, before=timezone.now())
    assert stats.retention.overall == stored
    assert stats.retention.by_phase == {1: learner.review_profile.retention_by_phase["1"]}
    assert (stats.active, stats.reviewed_last_7_days) == (3, 3)


def test_the_rating_page_posted_twice_records_one_review(client, learner, finished):
    """The signed token of a showing is good for one rating: a replayed POST records nothing more."""
    from cards.forms import token_for

    card = Card.objects.filter(learner=learner).first()
    token = token_for(card=card.pk, suggested=3, correct=True, ms=2000, showing=card.reviews_count)
    client.force_login(learner)
    for _ in range(2):
        response = client.post(
            reverse("cards:rate", args=[card.pk]), {"token": token, "rating": "4"}, follow=True
        )
        assert response.status_code == 200
    assert Review.objects.filter(card=card).count() == 1
    assert "rated already" in response.content.decode()
