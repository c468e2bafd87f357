"""Hot pages and the learner-page selector in a constant number of queries, whatever the data."""

import pytest
from django.urls import reverse

from assessments import autograding, services
from assessments.models import Quiz
from assessments.summaries import quiz_summaries_for
from tests.assessments.conftest import make_quiz, perfect_answers


def submit_many(learner, weeks):
    for week in weeks:
        quiz = make_quiz(week=week)
        for _ in range(2):
            submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
        autograding.submission_grade(submission_id=submission.pk)


@pytest.mark.django_db
def test_the_quiz_page_in_constant_queries(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("assessments:quiz-take", args=[5]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_submission_list_in_constant_queries(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    submit_many(learner, range(1, 4))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("assessments:submission-list"))
    submit_many(learner, range(4, 12))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("assessments:submission-list"))
    assert response.content.decode().count("<tr>") == 1 + 22
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api-submission-list")).json()["count"] == 22


@pytest.mark.django_db
def test_a_result_page_in_constant_queries(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    quiz = make_quiz(week=2, free_text=True)
    submission = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assessments:submission-detail", args=[submission.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api-submission-detail", args=[submission.pk])).status_code == 200


@pytest.mark.django_db
def test_quiz_summaries_in_at_most_three_queries(learner, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        empty = quiz_summaries_for(learner=learner)
    submit_many(learner, range(1, 6))
    with django_assert_max_num_queries(3):
        summaries = quiz_summaries_for(learner=learner)
    assert (
        set(empty)
        == set(summaries)
        == set(Quiz.objects.filter(is_published=True).values_list("week__number", flat=True))
    )
    assert summaries[1].status == "passed"
    assert summaries[1].attempts_used == 2
    assert summaries[1].best_percent == 100
    assert summaries[1].take_url == reverse("assessments:quiz-take", args=[1])
    assert summaries[6].status == "not_taken"
    assert summaries[6].last_submission_url is None


@pytest.mark.django_db
def test_quiz_summary_statuses(learner):
    quiz = make_quiz(week=1)
    pending = services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    assert quiz_summaries_for(learner=learner)[1].status == "pending"
    assert quiz_summaries_for(learner=learner)[1].last_submission_url == pending.get_absolute_url()
    answers = {**perfect_answers(quiz)}
    for question in quiz.questions.all():
        if question.kind == "numeric":
            answers[question.pk] = "0"
        if question.kind == "short_text":
            answers[question.pk] = "wrong"
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark_percent=90)
    autograding.submission_grade(submission_id=pending.pk)
    assert quiz_summaries_for(learner=learner)[1].status == "passed"
    second = services.submission_create(learner=learner, quiz=quiz, answers=answers)
    autograding.submission_grade(submission_id=second.pk)
    summary = quiz_summaries_for(learner=learner)[1]
    assert (summary.status, summary.best_percent, summary.attempts_used) == ("passed", 100, 2)


@pytest.mark.django_db
def test_a_failed_quiz_summary(learner):
    quiz = make_quiz(week=1)
    wrong = {q.pk: "0" for q in quiz.questions.filter(kind="numeric")}
    answers = {**perfect_answers(quiz), **wrong}
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark_percent=100)
    submission = services.submission_create(learner=learner, quiz=quiz, answers=answers)
    autograding.submission_grade(submission_id=submission.pk)
    summary = quiz_summaries_for(learner=learner)[1]
    assert (summary.status, summary.attempts_used, summary.max_attempts) == ("failed", 1, 3)


@pytest.mark.django_db
def test_a_grading_takes_a_constant_number_of_queries(learner, django_assert_num_queries):
    # One submission graded alone: the submission, its answers, their grades (one UPDATE per distinct
    # grade: here right, wrong and partly right), the submission's score, the learner's quiz record (the
    # learner locked, one read of their attempts with each quiz's title and phase, one upsert),
    # mentoring's check of its stored flags (a refresh only where they change:
    # tests/mentoring/test_stored_flags.py), and the transaction. Whether the answers may now be shown
    # (the cards' cue) comes from the attempts the record read, not from another query. The quiz's
    # answer key is cached per version. One more reads which of the graded submissions count
    # (assessments.attempts). (A batch: tests/assessments/test_batch_grading.py.)
    from tests.assessments.conftest import half_answers

    quiz = make_quiz(week=1, max_attempts=5)
    for attempt in range(3):
        submission = services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
        if attempt == 0:
            autograding.submission_grade(submission_id=submission.pk)  # (loads the key)
            continue
        with django_assert_num_queries(13):
            autograding.submission_grade(submission_id=submission.pk)
