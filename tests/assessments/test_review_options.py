"""Review options: what a learner sees of a graded attempt, and when (security finding 2).

By default: the score and right/wrong per question after each attempt; the correct answers and the
explanations once the learner passed or used every attempt. One function (assessments.review.review_for)
decides, for the submission page and the API alike; the mentor and staff see all of a graded attempt.
"""

import pytest
from django.test import Client
from django.urls import reverse

from assessments import autograding, records, services
from assessments.models import Quiz
from assessments.review import EVERYTHING, NOTHING, Review, review_for
from tests.assessments.conftest import enrol, half_answers, make_quiz, perfect_answers

KEY = ["EXPLAIN-SINGLE", "EXPLAIN-NUMERIC", "Accepted-Token-XYZ", "42.125", "Correct: Option B"]


def attempt(learner, quiz, answers):
    submission = services.submission_create(learner=learner, quiz=quiz, answers=answers)
    return autograding.submission_grade(submission_id=submission.pk)


def seen(client: Client, submission) -> tuple[str, dict]:
    page = client.get(reverse("assessments:submission-detail", args=[submission.pk])).content.decode()
    api = client.get(reverse("api-submission-detail", args=[submission.pk])).json()
    return page, api


def keys_in(page: str, api: dict) -> list[str]:
    leaks = [marker for marker in KEY if marker in page]
    leaks += [f"api key of {a['kind']}" for a in api["answers"] if a["key"] is not None]
    return leaks


@pytest.mark.django_db
def test_a_failed_first_attempt_shows_score_and_right_wrong_but_no_key(client, learner):
    quiz = make_quiz(week=1)
    first = attempt(learner, quiz, half_answers(quiz))
    client.force_login(learner)
    page, api = seen(client, first)
    assert "50%" in page
    assert "Not passed" in page
    assert "Incorrect" in page  # which answers were right…
    assert {a["kind"]: a["is_correct"] for a in api["answers"]}["single"] is False
    assert keys_in(page, api) == []  # …but not what the right ones are, nor why
    assert "The correct answers show once you pass this quiz or use all your attempts." in page


@pytest.mark.django_db
def test_resubmitting_what_a_review_showed_cannot_be_done_with_a_key_it_never_showed(client, learner):
    """The probe's attack: read the key after attempt 1 of 3, pass with it. No key, nothing to copy."""
    quiz = make_quiz(week=1)
    first = attempt(learner, quiz, half_answers(quiz))
    client.force_login(learner)
    api = client.get(reverse("api-submission-detail", args=[first.pk])).json()
    assert all(answer["key"] is None for answer in api["answers"])


@pytest.mark.django_db
def test_the_key_shows_once_passed(client, learner):
    quiz = make_quiz(week=1)
    first = attempt(learner, quiz, half_answers(quiz))
    attempt(learner, quiz, perfect_answers(quiz))
    client.force_login(learner)
    page, api = seen(client, first)  # the earlier, failed attempt too
    assert set(keys_in(page, api)) >= {"EXPLAIN-SINGLE", "Correct: Option B", "api key of single"}


@pytest.mark.django_db
def test_the_key_shows_once_out_of_attempts(client, learner):
    quiz = make_quiz(week=1, max_attempts=2)
    first = attempt(learner, quiz, half_answers(quiz))
    client.force_login(learner)
    assert keys_in(*seen(client, first)) == []
    last = attempt(learner, quiz, half_answers(quiz))
    page, api = seen(client, last)
    assert "Correct: Option B" in page
    assert "EXPLAIN-SINGLE" in page
    single = next(a for a in api["answers"] if a["kind"] == "single")
    assert single["key"]["explanation"] == "EXPLAIN-SINGLE"
    assert len(single["key"]["correct_choice_ids"]) == 1


@pytest.mark.django_db
def test_a_quiz_can_show_nothing_but_the_score(client, learner):
    quiz = make_quiz(week=1, max_attempts=1)
    Quiz.objects.filter(pk=quiz.pk).update(
        review_right_wrong="never", review_correct_answers="never", review_explanations="never"
    )
    only = attempt(learner, quiz, half_answers(quiz))  # the last attempt: finished, and still nothing
    client.force_login(learner)
    page, api = seen(client, only)
    assert "50%" in page
    assert api["percent"] == "50.00"
    assert "Incorrect" not in page
    assert "Correct</span>" not in page
    assert keys_in(page, api) == []
    assert all(a["is_correct"] is None and a["awarded_points"] is None for a in api["answers"])


@pytest.mark.django_db
def test_a_quiz_can_show_the_key_after_each_attempt_but_explanations_never(client, learner):
    quiz = make_quiz(week=1)
    Quiz.objects.filter(pk=quiz.pk).update(
        review_correct_answers="after_each_attempt", review_explanations="never"
    )
    first = attempt(learner, quiz, half_answers(quiz))
    client.force_login(learner)
    page, api = seen(client, first)
    assert "Correct: Option B" in page
    assert "EXPLAIN" not in page
    single = next(a for a in api["answers"] if a["kind"] == "single")
    assert single["key"]["explanation"] is None
    assert single["key"]["correct_choice_ids"]


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["mentor", "staff"])
def test_the_mentor_and_staff_see_all_of_a_graded_attempt(client, learner, mentor, staff, viewer):
    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=1)
    first = attempt(learner, quiz, half_answers(quiz))
    client.force_login({"mentor": mentor, "staff": staff}[viewer])
    page, api = seen(client, first)
    assert set(keys_in(page, api)) >= {"EXPLAIN-SINGLE", "Correct: Option B", "api key of single"}


@pytest.mark.django_db
def test_nothing_of_the_review_before_grading(learner, mentor):
    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=1, max_attempts=1)
    pending = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    assert review_for(viewer=learner, submission=pending) == NOTHING
    assert review_for(viewer=mentor, submission=pending) == NOTHING
    graded = autograding.submission_grade(submission_id=pending.pk)
    assert review_for(viewer=mentor, submission=graded) == EVERYTHING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("timing", "finished", "shown"),
    [
        ("after_each_attempt", False, True),
        ("after_each_attempt", True, True),
        ("when_finished", False, False),
        ("when_finished", True, True),
        ("never", False, False),
        ("never", True, False),
    ],
)
def test_each_timing(learner, timing, finished, shown):
    quiz = make_quiz(week=1, max_attempts=1 if finished else 2)
    Quiz.objects.filter(pk=quiz.pk).update(
        review_right_wrong=timing, review_correct_answers=timing, review_explanations=timing
    )
    quiz.refresh_from_db()
    submission = attempt(learner, quiz, half_answers(quiz))
    assert review_for(viewer=learner, submission=submission) == Review(shown, shown, shown)


def test_the_defaults_are_the_safe_ones():
    quiz = Quiz()
    assert quiz.review_right_wrong == "after_each_attempt"
    assert (quiz.review_correct_answers, quiz.review_explanations) == ("when_finished", "when_finished")


@pytest.mark.django_db
def test_the_attempts_a_grading_read_give_the_same_state_as_the_query(learner):
    # The grading decides whether the answers are shown from the attempts its quiz-record refresh
    # read (no query); the pages ask the database. Both must agree: pending, failed and passed attempts.
    from assessments.review import attempts_state, attempts_state_of, learner_review

    quiz = make_quiz(week=1, max_attempts=3)
    other = make_quiz(week=2)
    attempt(learner, other, perfect_answers(other))  # another quiz's pass counts for nothing here
    for answers in (half_answers(quiz), None, perfect_answers(quiz)):
        if answers is None:  # a pending attempt counts as used
            services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
            continue
        submission = services.submission_create(learner=learner, quiz=quiz, answers=answers)
        attempts = records.quiz_record_refresh(learner_ids=[learner.pk])[learner.pk][quiz.pk]
        assert attempts_state_of(attempts) == attempts_state(
            learner_id=learner.pk, enrolment_id=None, quiz=quiz
        )
        graded = autograding.submission_grade(submission_id=submission.pk)
        attempts = records.quiz_record_refresh(learner_ids=[learner.pk])[learner.pk][quiz.pk]
        state = attempts_state_of(attempts)
        assert state == attempts_state(learner_id=learner.pk, enrolment_id=None, quiz=quiz)
        assert learner_review(submission=graded, attempts=state) == learner_review(submission=graded)
    assert state == (3, True)
