"""Submitting: everything is validated first; a bad submission saves nothing (service, page and API)."""

from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from assessments import autograding, services
from assessments.models import Answer, Submission
from tests.assessments.conftest import choice, enrol, half_answers, make_quiz, perfect_answers, questions


def refused(quiz, learner, answers) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.submission_create(learner=learner, quiz=quiz, answers=answers)
    assert not Submission.objects.exists()
    assert not Answer.objects.exists()
    return caught.value.message_dict


@pytest.mark.django_db
def test_a_valid_submission_is_saved_pending_with_its_answers(
    quiz, learner, django_capture_on_commit_callbacks
):
    enrolment = enrol(learner)
    with patch("assessments.services.grading_enqueue") as enqueue:
        with django_capture_on_commit_callbacks() as callbacks:
            submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
        enqueue.assert_not_called()  # the grading task is queued once the transaction commits …
        for callback in callbacks:
            callback()
    enqueue.assert_called_once_with(submission_id=submission.pk)  # … and once
    assert submission.status == Submission.Status.PENDING
    assert submission.attempt_number == 1
    assert submission.answers.count() == 5
    numeric = submission.answers.get(question__kind="numeric")
    assert numeric.value == "42.13"
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None


@pytest.mark.django_db
def test_grading_a_submission_scores_it(quiz, learner):
    submission = services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
    autograding.submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.GRADED
    assert (submission.score, submission.max_score, submission.percent) == (3, 6, 50)
    assert submission.passed is False
    assert submission.graded_at is not None


@pytest.mark.django_db
def test_answers_may_be_given_with_string_ids_and_values(quiz, learner):
    answers = {str(key): [str(v) for v in value] if isinstance(value, list) else str(value)
               for key, value in perfect_answers(quiz).items()}  # fmt: skip
    submission = services.submission_create(learner=learner, quiz=quiz, answers=answers)
    assert submission.answers.count() == 5


@pytest.mark.django_db
def test_every_question_must_be_answered(quiz, learner):
    answers = perfect_answers(quiz)
    numeric = questions(quiz)["numeric"]
    del answers[numeric.pk]
    assert refused(quiz, learner, answers) == {f"question_{numeric.pk}": ["Answer this question."]}


@pytest.mark.django_db
def test_an_unknown_question_or_another_quizs_question_is_refused(quiz, learner):
    other = make_quiz(week=2)
    answers = {**perfect_answers(quiz), questions(other)["numeric"].pk: "1", 999999: "1"}
    errors = refused(quiz, learner, answers)
    assert len(errors["answers"]) == 2
    assert "is not part of this quiz" in errors["answers"][0]


@pytest.mark.django_db
def test_a_choice_of_another_question_is_refused(quiz, learner):
    q = questions(quiz)
    answers = {**perfect_answers(quiz), q["single"].pk: choice(q["multiple"], "Option X")}
    errors = refused(quiz, learner, answers)
    assert "is not an option of this question" in errors[f"question_{q['single'].pk}"][0]


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("numeric", "forty-two", "Enter a number"),
    ("numeric", True, "Enter a number"),
    ("numeric", [1], "Enter a number"),
    ("numeric", "NaN", "Enter a number"),
    ("short_text", 42, "Enter your answer as text"),
    ("short_text", "x" * 201, "under 200 characters"),
    ("short_text", "   ", "Answer this question"),
    ("single", "B", "Choose from the options"),
    ("single", {"id": 1}, "Choose from the options"),
    ("multiple", [], "Answer this question"),
])  # fmt: skip
@pytest.mark.django_db
def test_a_wrong_type_of_answer_is_refused(quiz, learner, kind, value, message):
    question = questions(quiz)[kind]
    errors = refused(quiz, learner, {**perfect_answers(quiz), question.pk: value})
    assert message in errors[f"question_{question.pk}"][0]


@pytest.mark.django_db
def test_a_single_choice_question_takes_exactly_one_choice(quiz, learner):
    q = questions(quiz)
    both = [choice(q["single"], "Option A"), choice(q["single"], "Option B")]
    errors = refused(quiz, learner, {**perfect_answers(quiz), q["single"].pk: both})
    assert errors[f"question_{q['single'].pk}"] == ["Choose exactly one option."]


@pytest.mark.django_db
def test_answers_that_are_not_an_object_are_refused(quiz, learner):
    assert "answers" in refused(quiz, learner, ["not", "a", "dict"])


@pytest.mark.django_db
def test_an_unpublished_quiz_is_refused(learner):
    quiz = make_quiz(week=2, published=False)
    assert refused(quiz, learner, perfect_answers(quiz)) == {"quiz": ["This quiz is not open yet."]}


@pytest.mark.django_db
def test_attempts_beyond_the_maximum_are_refused(learner):
    quiz = make_quiz(week=2, max_attempts=2)
    for _ in range(2):
        services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    with pytest.raises(ValidationError, match="all 2 attempts"):
        services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    assert Submission.objects.count() == 2
    assert sorted(Submission.objects.values_list("attempt_number", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_the_page_shows_errors_with_400_and_saves_nothing(client, quiz, learner):
    client.force_login(learner)
    q = questions(quiz)
    data = {f"question_{q['single'].pk}": "999999", f"question_{q['numeric'].pk}": "forty-two"}
    response = client.post(reverse("assessments:quiz-take", args=[1]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errorlist' in page
    assert "Select a valid choice" in page
    assert "Enter a number" in page
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_the_page_submits_and_redirects_to_the_result(client, quiz, learner):
    client.force_login(learner)
    q = questions(quiz)
    data = {f"question_{qid}": value for qid, value in perfect_answers(quiz).items()}
    data[f"question_{q['multiple'].pk}"] = [str(v) for v in data[f"question_{q['multiple'].pk}"]]
    response = client.post(reverse("assessments:quiz-take", args=[1]), data)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assessments:submission-detail", args=[submission.pk])
    page = client.get(response.url).content.decode()
    assert "Your answers are submitted." in page
    assert "Grading…" in page
    assert '<meta http-equiv="refresh" content="2">' in page


@pytest.mark.django_db
def test_a_result_graded_before_the_page_loads_says_nothing_of_grading(client, quiz, learner, celery_eager):
    client.force_login(learner)
    data = {f"question_{qid}": value for qid, value in perfect_answers(quiz).items()}
    q = questions(quiz)
    data[f"question_{q['multiple'].pk}"] = [str(v) for v in data[f"question_{q['multiple'].pk}"]]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("assessments:quiz-take", args=[1]), data)
    assert Submission.objects.get().status == Submission.Status.GRADED
    page = client.get(response.url).content.decode()
    assert "being graded" not in page
    assert "Grading…" not in page
    assert "Your answers are submitted." in page


@pytest.mark.django_db
def test_the_page_refuses_a_submission_beyond_max_attempts_with_a_message(client, learner):
    quiz = make_quiz(week=2, max_attempts=1)
    services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    client.force_login(learner)
    page = client.get(reverse("assessments:quiz-take", args=[2])).content.decode()
    assert "used all your attempts" in page
    data = {
        f"question_{qid}": value
        for qid, value in perfect_answers(quiz).items()
        if not isinstance(value, list)
    }
    data[f"question_{questions(quiz)['multiple'].pk}"] = [
        str(v) for v in perfect_answers(quiz)[questions(quiz)["multiple"].pk]
    ]  # type: ignore[union-attr]
    response = client.post(reverse("assessments:quiz-take", args=[2]), data)
    assert response.status_code == 400
    assert "You have used your only attempt at this quiz." in response.content.decode()
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_the_api_answers_bad_submissions_with_400_and_field_messages(client, quiz, learner):
    client.force_login(learner)
    url = reverse("api-submission-list")
    numeric = questions(quiz)["numeric"]
    bad = {**perfect_answers(quiz), numeric.pk: "forty-two"}
    cases = [
        ({"quiz": quiz.pk, "answers": bad}, f"question_{numeric.pk}"),
        ({"quiz": 999999, "answers": perfect_answers(quiz)}, "quiz"),
        ({"quiz": quiz.pk, "answers": "nope"}, "answers"),
        ({"quiz": quiz.pk}, "answers"),
        ({"quiz": quiz.pk, "answers": {"abc": 1}}, "answers"),
    ]
    for payload, field in cases:
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 400, payload
        assert field in response.json(), response.json()
    response = client.post(url, b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_the_api_submits(client, quiz, learner):
    client.force_login(learner)
    payload = {"quiz": quiz.pk, "answers": perfect_answers(quiz)}
    response = client.post(reverse("api-submission-list"), payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert response.json()["attempt_number"] == 1


@pytest.mark.django_db
def test_editing_the_key_after_a_grading_is_seen_by_the_next_grading(quiz, learner):
    """The grader caches answer keys per quiz; any edit of a question or choice renews the quiz's version."""
    first = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    assert autograding.submission_grade(submission_id=first.pk).score == 6
    single = questions(quiz)["single"]
    for option in single.choices.all():  # now "Option A" is the right answer
        option.is_correct = option.text == "Option A"
        option.save()
    numeric = questions(quiz)["numeric"]
    numeric.numeric_answer = 7
    numeric.save()
    second = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    assert autograding.submission_grade(submission_id=second.pk).score == 4
