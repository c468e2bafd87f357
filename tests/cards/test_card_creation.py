"""A missed question becomes a card only once its quiz's answers may be shown to the learner."""

from unittest import mock

import pytest

from assessments.models import Quiz
from cards.models import Card
from cards.services import card_add, card_retire, cards_create_for_submission
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.cards.conftest import graded_attempt

MISSED_IN_HALF = {"single", "multiple", "numeric"}  # wrong, partly right (1 of 2), wrong


def card_kinds(learner) -> set[str]:
    return set(Card.objects.filter(learner=learner).values_list("question__kind", flat=True))


@pytest.fixture
def quiz(db):
    return make_quiz(week=1, max_attempts=2)


def test_a_missed_question_waits_while_attempts_are_left_then_becomes_a_card(learner, quiz):
    first = graded_attempt(learner, quiz)
    assert cards_create_for_submission(submission_id=first.pk) == 0
    assert card_kinds(learner) == set()

    last = graded_attempt(learner, quiz)  # out of attempts: the answers may be shown now
    assert cards_create_for_submission(submission_id=last.pk) == 3
    assert card_kinds(learner) == MISSED_IN_HALF


def test_it_is_idempotent(learner, quiz):
    graded_attempt(learner, quiz)
    last = graded_attempt(learner, quiz)
    cards_create_for_submission(submission_id=last.pk)
    assert cards_create_for_submission(submission_id=last.pk) == 0
    assert Card.objects.filter(learner=learner).count() == 3


def test_a_correct_answer_makes_no_card(learner, quiz):
    graded_attempt(learner, quiz, perfect_answers(quiz))
    graded_attempt(learner, quiz, perfect_answers(quiz))
    for submission in learner.submissions.all():
        assert cards_create_for_submission(submission_id=submission.pk) == 0
    assert card_kinds(learner) == set()


def test_passing_later_releases_the_misses_of_earlier_attempts(learner, quiz):
    graded_attempt(learner, quiz)
    passed = graded_attempt(learner, quiz, perfect_answers(quiz))
    assert passed.passed
    cards_create_for_submission(submission_id=passed.pk)
    assert card_kinds(learner) == MISSED_IN_HALF


def test_answers_shown_after_each_attempt_make_cards_at_once(learner, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(review_correct_answers=Quiz.ReviewTiming.AFTER_EACH_ATTEMPT)
    first = graded_attempt(learner, quiz)
    cards_create_for_submission(submission_id=first.pk)
    assert card_kinds(learner) == MISSED_IN_HALF


def test_answers_never_shown_make_no_cards(learner, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(review_correct_answers=Quiz.ReviewTiming.NEVER)
    graded_attempt(learner, quiz)
    last = graded_attempt(learner, quiz)
    assert cards_create_for_submission(submission_id=last.pk) == 0


def test_grading_queues_the_cards_after_commit(learner, quiz, django_capture_on_commit_callbacks):
    graded_attempt(learner, quiz)
    with (
        mock.patch("cards.tasks.cards_create_for_submission.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        last = graded_attempt(learner, quiz)
    delay.assert_called_once_with(last.pk)


@pytest.mark.parametrize(
    ("timing", "queued_on_attempt"),
    [
        (Quiz.ReviewTiming.WHEN_FINISHED, [False, True]),  # the first failed attempt leaves attempts
        (Quiz.ReviewTiming.AFTER_EACH_ATTEMPT, [True, True]),
        (Quiz.ReviewTiming.NEVER, [False, False]),
    ],
)
def test_a_grading_queues_the_cards_task_only_once_the_answers_are_shown(
    learner, quiz, django_capture_on_commit_callbacks, timing, queued_on_attempt
):
    # A grading whose answers stay hidden queues no second task (most first attempts); the one that
    # finishes the quiz queues it, and the task makes the cards of every attempt shown.
    Quiz.objects.filter(pk=quiz.pk).update(review_correct_answers=timing)
    queued = []
    for _ in queued_on_attempt:
        with (
            mock.patch("cards.tasks.cards_create_for_submission.delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            attempt = graded_attempt(learner, quiz)
        queued.append(delay.call_args_list == [mock.call(attempt.pk)])
        assert delay.call_count <= 1
    assert queued == queued_on_attempt


def test_passing_the_first_attempt_queues_the_cards_task(learner, quiz, django_capture_on_commit_callbacks):
    with (
        mock.patch("cards.tasks.cards_create_for_submission.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        passed = graded_attempt(learner, quiz, perfect_answers(quiz))
    assert passed.passed
    delay.assert_called_once_with(passed.pk)


def test_a_free_text_miss_is_a_card_once_reviewed(learner, mentor):
    from assessments import services as assessment_services
    from tests.assessments.conftest import enrol

    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=2, max_attempts=1, free_text=True)
    submission = graded_attempt(learner, quiz, perfect_answers(quiz))
    assert submission.status == "needs_review"
    assert cards_create_for_submission(submission_id=submission.pk) == 0
    answer = submission.answers.get(question__kind="free_text")
    assessment_services.answer_review(reviewer=mentor, answer=answer, points=1, feedback="Say why, not what.")
    assert cards_create_for_submission(submission_id=submission.pk) == 1
    assert card_kinds(learner) == {"free_text"}


def test_the_learner_adds_a_seen_question_and_retires_a_card(learner, other_learner, quiz):
    from django.core.exceptions import ValidationError

    graded_attempt(learner, quiz, perfect_answers(quiz))
    question = quiz.questions.get(kind="true_false")
    card = card_add(learner=learner, question_id=question.pk)
    assert card.origin == "added"
    with pytest.raises(ValidationError):
        card_add(learner=other_learner, question_id=question.pk)  # never answered it
    card_retire(learner=learner, card=card)
    assert Card.objects.get(pk=card.pk).is_retired
    with pytest.raises(ValidationError):
        card_retire(learner=other_learner, card=card)
    assert not card_add(learner=learner, question_id=question.pk).is_retired


def test_a_free_text_cards_answer_side_is_the_mentors_feedback_or_the_explanation(learner, mentor):
    from assessments import services as assessment_services
    from assessments.models import Question
    from cards.selectors import card_back_for
    from tests.assessments.conftest import enrol

    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=2, max_attempts=1, free_text=True)
    Question.objects.filter(quiz=quiz, kind="free_text").update(explanation="EXPLAIN-FREE")
    submission = graded_attempt(learner, quiz, perfect_answers(quiz))
    answer = submission.answers.get(question__kind="free_text")
    assessment_services.answer_review(reviewer=mentor, answer=answer, points=1, feedback="Say why, not what.")
    cards_create_for_submission(submission_id=submission.pk)
    card = Card.objects.select_related("question", "learner").get(learner=learner)
    back = card_back_for(card=card)
    assert (back.feedback, back.explanation, back.correct_answer) == (
        "Say why, not what.",
        "EXPLAIN-FREE",
        "",
    )
    assert not back.key_hidden
