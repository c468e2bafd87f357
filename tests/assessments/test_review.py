"""Free-text answers wait for review by the learner's mentor or staff; then the score completes."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments import autograding, services
from assessments.models import Submission
from assessments.selectors import submissions_needing_review_for
from tests.assessments.conftest import enrol, make_quiz, perfect_answers


@pytest.fixture
def waiting(learner, mentor):
    enrol(learner, mentor=mentor)
    quiz = make_quiz(week=2, free_text=True)  # 6 automatic points + 4 for the free text
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    return autograding.submission_grade(submission_id=submission.pk)


def free_text_answer(submission):
    return submission.answers.select_related("question", "submission__learner").get(
        question__kind="free_text"
    )


@pytest.mark.django_db
def test_a_free_text_answer_waits_for_review(waiting, mentor):
    assert waiting.status == Submission.Status.NEEDS_REVIEW
    assert (waiting.score, waiting.max_score, waiting.percent, waiting.passed) == (6, 10, None, None)
    assert list(submissions_needing_review_for(mentor=mentor)) == [waiting]


@pytest.mark.django_db
def test_the_mentors_review_completes_the_score(waiting, mentor):
    services.answer_review(
        reviewer=mentor, answer=free_text_answer(waiting), points=Decimal("1.5"), feedback="Thin."
    )
    waiting.refresh_from_db()
    assert waiting.status == Submission.Status.GRADED
    assert (waiting.score, waiting.percent, waiting.passed) == (Decimal("7.5"), 75, True)
    assert waiting.graded_at is not None
    assert free_text_answer(waiting).feedback == "Thin."


@pytest.mark.django_db
def test_only_the_learners_mentor_or_staff_may_review(waiting, other_mentor, other_learner, learner, staff):
    for stranger in (other_mentor, other_learner, learner):
        with pytest.raises(PermissionDenied):
            services.answer_review(reviewer=stranger, answer=free_text_answer(waiting), points=1, feedback="")
    services.answer_review(reviewer=staff, answer=free_text_answer(waiting), points=4, feedback="")
    waiting.refresh_from_db()
    assert waiting.percent == 100


@pytest.mark.django_db
def test_points_must_fit_the_question_and_a_graded_submission_is_not_reviewed_again(waiting, mentor):
    answer = free_text_answer(waiting)
    for points in ("5", "-1", "lots"):
        with pytest.raises(ValidationError):
            services.answer_review(reviewer=mentor, answer=answer, points=points, feedback="")
    services.answer_review(reviewer=mentor, answer=answer, points=4, feedback="")
    with pytest.raises(ValidationError, match="not waiting"):
        services.answer_review(reviewer=mentor, answer=free_text_answer(waiting), points=0, feedback="")


@pytest.mark.django_db
def test_an_automatically_graded_answer_cannot_be_reviewed(waiting, mentor):
    answer = waiting.answers.select_related("question", "submission__learner").get(question__kind="single")
    with pytest.raises(ValidationError, match="Only free-text"):
        services.answer_review(reviewer=mentor, answer=answer, points=1, feedback="")


@pytest.mark.django_db
def test_the_review_page_grades_the_answer(client, waiting, mentor):
    client.force_login(mentor)
    url = reverse("assessments:submission-review", args=[waiting.pk])
    page = client.get(url).content.decode()
    assert "Because." in page
    answer = free_text_answer(waiting)
    prefix = f"answer-{answer.pk}"
    bad = client.post(url, {"answer_id": answer.pk, f"{prefix}-points": "9", f"{prefix}-feedback": ""})
    assert bad.status_code == 400
    assert "errorlist" in bad.content.decode()
    data = {"answer_id": answer.pk, f"{prefix}-points": "3", f"{prefix}-feedback": "Good"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("assessments:submission-detail", args=[waiting.pk])
    waiting.refresh_from_db()
    assert waiting.status == Submission.Status.GRADED
    assert waiting.score == 9


@pytest.mark.django_db
def test_the_review_page_is_refused_to_others(client, waiting, learner, other_mentor):
    url = reverse("assessments:submission-review", args=[waiting.pk])
    for user in (learner, other_mentor):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(learner)
    assert client.post(url, {"answer_id": free_text_answer(waiting).pk}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Submission.Status.NEEDS_REVIEW


@pytest.mark.django_db
def test_a_post_for_another_answer_is_404(client, waiting, mentor):
    client.force_login(mentor)
    url = reverse("assessments:submission-review", args=[waiting.pk])
    assert client.post(url, {"answer_id": "999999"}).status_code == 404
    assert client.post(url, {}).status_code == 404
