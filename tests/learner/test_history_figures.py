"""A learner's history after leaving and enrolling again (issue 35, item 3): each enrolment's figures come
from the work made under it, the mentor at the time reads the ended enrolment, and every link on the
mentor's pages answers.

Before: the new mentor's table showed the earlier enrolment's quiz results (a failed quiz, its average)
while the mentor's learner page said "No quiz submissions yet" and the submission link answered 404; a
quiz failed with every attempt used under the earlier enrolment stayed closed for good; the earlier
enrolment's progress page showed the learner's latest figures, not its own.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import autograding
from assessments import services as quizzes
from assessments.attempts import counting_enrolment_id, counts, counts_for
from assessments.models import Submission
from progress.models import Enrolment
from progress.services import enrolment_create, enrolment_leave
from tests.assessments.conftest import half_answers, make_quiz, perfect_answers
from tests.factories import MentorFactory, UserFactory
from tests.projects.conftest import enrol_with


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def take(learner, quiz, answers):
    submission = quizzes.submission_create(learner=learner, quiz=quiz, answers=answers)
    return autograding.submission_grade(submission_id=submission.pk)


def links_of(html: str) -> set[str]:
    """The same-site links of a page (hrefs starting with one slash), without fragments."""
    return {href.split("#")[0] for href in re.findall(r'href="(/[^/"][^"]*)"', html) if href.split("#")[0]}


@pytest.fixture
def relearned(learner):
    """The learner failed week 1's quiz with its only attempt under their first enrolment (mentored by
    `first_mentor`), left, and enrolled again with `new_mentor`."""
    first_mentor, new_mentor = MentorFactory(username="first_mentor"), MentorFactory(username="new_mentor")
    quiz = make_quiz(week=1, max_attempts=1)
    first = enrol_with(learner, first_mentor)
    failed = take(learner, quiz, half_answers(quiz))
    assert failed.passed is False
    enrolment_leave(enrolment=first)
    second = enrol_with(learner, new_mentor)
    return first, second, quiz, failed, first_mentor, new_mentor


@pytest.mark.django_db
def test_the_new_mentors_figures_and_links_describe_the_new_enrolment(relearned):
    _, second, _, failed, _, new_mentor = relearned
    client = as_user(new_mentor)
    dashboard = client.get(reverse("mentoring:dashboard"))
    [row] = dashboard.context["rows"]
    assert row.enrolment.pk == second.pk
    assert "failed_quiz" not in row.flags
    page = client.get(reverse("mentoring:learner", args=[second.pk]))
    assert list(page.context["submissions"]) == []
    assert "No quiz submissions yet" in page.content.decode()
    # Every link on the mentor's two pages answers (nothing leads to the earlier enrolment's work).
    for url in links_of(dashboard.content.decode()) | links_of(page.content.decode()):
        assert client.get(url).status_code in (200, 302), url
    assert failed.get_absolute_url() not in page.content.decode()


@pytest.mark.django_db
def test_enrolling_again_opens_the_quiz_afresh_and_its_result_counts_for_the_new_enrolment(
    learner, relearned
):
    _, second, quiz, failed, _, new_mentor = relearned
    client = as_user(learner)
    take_page = client.get(reverse("assessments:quiz-take", args=[quiz.week.number]))
    assert take_page.status_code == 200
    assert "used all" not in take_page.content.decode()
    passed = take(learner, quiz, perfect_answers(quiz))
    assert passed.passed
    assert passed.enrolment_id == second.pk
    # A second attempt under the new enrolment is refused: the limit is per enrolment, not reset again.
    with pytest.raises(Exception, match="used your only attempt"):
        quizzes.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    [row] = as_user(new_mentor).get(reverse("mentoring:dashboard")).context["rows"]
    assert "failed_quiz" not in row.flags
    # The earlier enrolment's submission page is history: no "try again" offered from it.
    old = client.get(reverse("assessments:submission-detail", args=[failed.pk]))
    assert old.status_code == 200
    assert not old.context["can_try_again"]
    assert not old.context["out_of_attempts"]


@pytest.mark.django_db
def test_each_enrolments_progress_page_shows_its_own_quizzes(learner, relearned):
    first, second, quiz, failed, first_mentor, _ = relearned
    take(learner, quiz, perfect_answers(quiz))
    for user in (learner, first_mentor):
        earlier = as_user(user).get(reverse("learner:learner-progress", args=[first.pk]))
        assert earlier.status_code == 200
        report = earlier.context["report"]
        statuses = [line.summary.status for line in report.quizzes if line.summary.quiz_id == quiz.pk]
        assert statuses == ["failed"]
        assert report.quiz_average == failed.percent
    current = as_user(learner).get(reverse("learner:progress")).context["report"]
    assert current.enrolment.pk == second.pk
    assert [line.summary.status for line in current.quizzes if line.summary.quiz_id == quiz.pk] == ["passed"]
    assert current.quiz_average == 100


@pytest.mark.django_db
def test_the_mentor_at_the_time_finds_the_ended_enrolment_and_reads_its_work(relearned):
    first, second, _, failed, first_mentor, new_mentor = relearned
    client = as_user(first_mentor)
    listed = client.get(reverse("mentoring:ended-enrolments"))
    assert [enrolment.pk for enrolment in listed.context["page"].object_list] == [first.pk]
    for url in links_of(listed.content.decode()):
        assert client.get(url).status_code in (200, 302), url
    assert client.get(reverse("learner:learner-progress", args=[first.pk])).status_code == 200
    assert client.get(failed.get_absolute_url()).status_code == 200
    # The new mentor lists no ended enrolment: they never mentored the first.
    assert list(as_user(new_mentor).get(reverse("mentoring:ended-enrolments")).context["page"]) == []
    assert client.get(reverse("learner:learner-schedule", args=[second.pk])).status_code == 404


actions = st.lists(
    st.tuples(st.sampled_from(["enrol", "leave", "submit"]), st.integers(0, 1)), min_size=1, max_size=10
)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_which_attempts_count_is_the_same_in_sql_and_in_python(steps):
    """`assessments.attempts.counts` (SQL, for many learners) and `counts_for` (Python) agree on every
    submission, whatever sequence of enrolling, leaving and submitting made them."""
    from datetime import date

    Submission.objects.all().delete()
    Enrolment.objects.all().delete()
    quiz = make_quiz(week=1, max_attempts=50)
    learners = [UserFactory(), UserFactory()]
    for action, who in steps:
        learner = learners[who]
        current = Enrolment.objects.filter(learner=learner, status__in=("active", "paused")).first()
        if action == "enrol" and current is None:
            enrolment_create(learner=learner, start_date=date.today())
        elif action == "leave" and current is not None:
            enrolment_leave(enrolment=current)
        elif action == "submit":
            quizzes.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
    in_sql = set(Submission.objects.filter(counts()).values_list("pk", flat=True))
    in_python = {
        submission.pk
        for submission in Submission.objects.all()
        if counts_for(submission.enrolment_id, counting_enrolment_id(learner_id=submission.learner_id))
    }
    assert in_sql == in_python
