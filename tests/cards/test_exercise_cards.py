"""Missed code exercises come back in the daily review like missed quiz questions: a card of the exercise
once a submission failed its hidden tests and the exercise is settled (passed since, or no attempt left);
reviewing it is retrying the exercise on its own page, and the retry suggests the rating."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cards.models import Card, Review, ReviewProfile
from cards.services import card_create_for_exercise_run, card_retire
from exercises import execution
from exercises import services as exercise_services
from exercises.models import Run
from progress.services import enrolment_create
from tests.exercises.conftest import HIDDEN_MARKER, REFERENCE, STARTER, make_exercise, sandbox_or_skip

WRONG = "def add(a, b):\n    return abs(a) + abs(b)\n"
FAILED_TESTS = [
    {"name": "test_negative_numbers", "description": "adds negative numbers", "passed": False, "message": ""},
    {"name": "test_large_numbers", "description": "adds large numbers", "passed": True, "message": ""},
]


def finished_run(learner, exercise, *, kind=Run.Kind.SUBMISSION, passed: bool, attempt=None, at=None) -> Run:
    """A run as the sandbox worker leaves it (its result written), without running the sandbox."""
    tests = [{**test, "passed": True, "message": ""} for test in FAILED_TESTS] if passed else FAILED_TESTS
    number = attempt or (Run.objects.filter(learner=learner, exercise=exercise, kind=kind).count() + 1)
    return Run.objects.create(
        exercise=exercise, learner=learner, kind=kind, code=REFERENCE if passed else WRONG,
        attempt_number=number if kind == Run.Kind.SUBMISSION else None, status=Run.Status.DONE,
        tests=tests, tests_passed=sum(t["passed"] for t in tests), tests_total=len(tests),
        percent=Decimal(100 if passed else 50), passed=passed, finished_at=at or timezone.now(),
    )  # fmt: skip


@pytest.fixture
def exercise(db):
    return make_exercise(max_attempts=2)


@pytest.mark.usefixtures("celery_eager")
def test_a_missed_exercise_becomes_a_card_once_no_attempt_is_left_through_the_real_sandbox(
    learner, exercise, django_capture_on_commit_callbacks
):
    """The wiring end to end: the sandbox worker's result commits, exercises sends `run_finished`, cards
    receives it and its task makes the card — only when the exercise is settled."""
    sandbox_or_skip()
    enrolment_create(learner=learner, start_date=timezone.now().date())

    def submit(code: str) -> Run:
        with django_capture_on_commit_callbacks(execute=False):  # (the sandbox queue's task: run below)
            run = exercise_services.run_create(
                learner=learner, exercise=exercise, kind="submission", code=code
            )
        with django_capture_on_commit_callbacks(execute=True):  # run_finished, after the result commits
            execution.run_execute(run_id=run.pk)
        run.refresh_from_db()
        return run

    first = submit(STARTER)
    assert (first.status, first.passed) == (Run.Status.DONE, False)
    assert not Card.objects.filter(learner=learner).exists()  # an attempt is left: still working on it
    second = submit(WRONG)
    assert second.passed is False
    card = Card.objects.get(learner=learner)
    assert (card.exercise_id, card.question_id, card.origin) == (exercise.pk, None, Card.Origin.EXERCISE)
    assert card.due <= timezone.now()
    assert card_create_for_exercise_run(run_id=second.pk) is False  # a redelivered task: no second card


def test_a_pass_after_a_failure_makes_a_card_a_first_pass_or_examples_none(learner, exercise, other_learner):
    finished_run(learner, exercise, passed=False)
    passed = finished_run(learner, exercise, passed=True)
    assert card_create_for_exercise_run(run_id=passed.pk) is True
    assert Card.objects.filter(learner=learner, exercise=exercise).count() == 1

    first_time = finished_run(other_learner, exercise, passed=True)
    assert card_create_for_exercise_run(run_id=first_time.pk) is False
    examples = finished_run(other_learner, exercise, kind=Run.Kind.EXAMPLES, passed=False)
    assert card_create_for_exercise_run(run_id=examples.pk) is False
    assert card_create_for_exercise_run(run_id=999_999) is False  # gone: quietly nothing
    assert not Card.objects.filter(learner=other_learner).exists()


def test_a_retired_card_stays_retired_and_the_backfill_makes_missing_ones(learner, other_learner, exercise):
    finished_run(learner, exercise, passed=False)
    last = finished_run(learner, exercise, passed=False)
    card_create_for_exercise_run(run_id=last.pk)
    card_retire(learner=learner, card=Card.objects.get(learner=learner))
    assert card_create_for_exercise_run(run_id=last.pk) is False
    assert Card.objects.get(learner=learner).is_retired

    finished_run(other_learner, exercise, passed=False)
    finished_run(other_learner, exercise, passed=False)  # its task was lost
    call_command("cards_backfill")
    call_command("cards_backfill")
    assert Card.objects.filter(learner=other_learner, exercise=exercise).count() == 1


@pytest.fixture
def due_card(learner, exercise):
    enrolment_create(learner=learner, start_date=timezone.now().date())
    finished_run(learner, exercise, passed=False, at=timezone.now() - timedelta(hours=2))
    last = finished_run(learner, exercise, passed=False, at=timezone.now() - timedelta(hours=2))
    card_create_for_exercise_run(run_id=last.pk, now=timezone.now() - timedelta(hours=1))
    return Card.objects.get(learner=learner, exercise=exercise)


def test_the_review_shows_the_exercise_its_missed_tests_and_a_link_to_retry_it(client, learner, due_card):
    exercise = due_card.exercise
    client.force_login(learner)
    page = client.get(reverse("cards:review")).content.decode()
    assert exercise.title in page
    assert "<code>add(a, b)</code>" in page  # the prompt, rendered Markdown
    missed = re.search(r"<ul data-missed-tests>(.*?)</ul>", page, re.S).group(1)
    assert "adds negative numbers" in missed
    assert "adds large numbers" not in missed
    assert HIDDEN_MARKER not in page
    assert exercise.reference_solution not in page
    assert f'href="{exercise.get_absolute_url()}" data-retry' in page
    assert "No retry since this card came due." in page
    assert "suggested" not in re.search(r'<div class="ratings".*?</div>', page, re.S).group(0)
    # Nothing to answer on the card itself: the answer page sends back to the review.
    response = client.post(reverse("cards:answer", args=[due_card.pk]), {"token": "x", "answer": "1"})
    assert response.status_code == 302
    assert not Review.objects.exists()


@pytest.mark.parametrize(("passed", "suggested", "words"), [(True, 3, "all passed"), (False, 1, "not yet")])
def test_a_retry_suggests_the_rating_and_the_rating_schedules_the_card(
    client, learner, due_card, passed, suggested, words
):
    finished_run(learner, due_card.exercise, kind=Run.Kind.EXAMPLES, passed=passed)
    client.force_login(learner)
    page = client.get(reverse("cards:review")).content.decode()
    assert words in page
    assert re.search(rf'value="{suggested}" data-rating-key="{suggested}"\s+class="button suggested"', page)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(reverse("cards:rate", args=[due_card.pk]), {"token": token, "rating": "2"})
    assert response.status_code == 302
    review = Review.objects.get(card=due_card)
    assert (review.rating, review.suggested_rating, review.answer_correct) == (2, suggested, passed)
    due_card.refresh_from_db()
    assert due_card.due > timezone.now()
    # The stored retention counts the exercise's card in its week's phase (the mentor table's figure).
    phase = str(due_card.exercise.week.phase.number)
    assert phase in ReviewProfile.objects.get(learner=learner).retention_by_phase


def test_the_card_lists_and_history_name_the_exercise(client, learner, mentor, due_card):
    client.force_login(learner)
    page = client.get(reverse("cards:card-list")).content.decode()
    assert f"Code exercise: {due_card.exercise.title}" in page
    page = client.get(reverse("cards:card-detail", args=[due_card.pk])).content.decode()
    assert due_card.exercise.get_absolute_url() in page
    assert "Missed in a code exercise" in page


def test_the_api_lists_the_exercise_card_and_records_its_review(learner, due_card):
    api = APIClient()
    api.force_authenticate(learner)
    finished_run(learner, due_card.exercise, kind=Run.Kind.EXAMPLES, passed=True)
    due = api.get("/api/v1/me/cards/due/").json()
    rows = due["results"] if isinstance(due, dict) else due
    assert rows[0] | {"due": None} == rows[0] | {
        "id": due_card.pk, "question": None, "exercise": due_card.exercise_id, "kind": "exercise",
        "prompt": due_card.exercise.prompt, "week": due_card.exercise.week.number, "choices": [], "due": None,
    }  # fmt: skip
    refused = api.post(f"/api/v1/me/cards/{due_card.pk}/reviews/", {"rating": 3, "answer": 1}, format="json")
    assert refused.status_code == 400
    assert "answer" in refused.json()
    response = api.post(f"/api/v1/me/cards/{due_card.pk}/reviews/", {"rating": 3}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["review"]["suggested_rating"] == 3
    assert body["review"]["answer_correct"] is True
    assert body["back"] == {"correct_answer": "", "explanation": "", "feedback": "", "key_hidden": False}
    assert body["card"]["kind"] == "exercise"


def test_the_export_names_the_exercise_of_a_card(learner, due_card):
    from cards.personal_data import export

    cards = export(learner).records["cards"]["cards"]
    assert [(card["question"], card["exercise"], card["origin"]) for card in cards] == [
        (None, due_card.exercise.title, "exercise")
    ]


def test_a_card_is_of_a_question_or_an_exercise_never_both_or_neither(learner, due_card):
    from django.db import IntegrityError, transaction

    from assessments.models import Question

    question = Question.objects.first()
    for fields in ({"question": question, "exercise": due_card.exercise}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Card.objects.create(learner=learner, due=timezone.now(), **fields)
