"""Every list endpoint answers in a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assessments import services as assessment_services
from curriculum.models import Week
from progress.services import week_progress_set
from tests.assessments.conftest import enrol, make_quiz, perfect_answers
from tests.factories import UserFactory

LISTS = {
    # url: the most queries it may take (authentication is forced: no session or token query)
    "/api/v1/phases/": 3,
    "/api/v1/weeks/": 4,
    "/api/v1/quizzes/": 4,
    "/api/v1/submissions/": 4,
    "/api/v1/mentor/learners/": 10,
    "/api/v1/mentor/learners/{enrolment}/progress/": 5,
    "/api/v1/mentor/learners/{enrolment}/submissions/": 5,
}


def grow(world, mentor) -> None:
    """More of everything the lists show: submissions, progress rows, mentees."""
    for number in range(4, 9):
        quiz = make_quiz(week=number)
        assessment_services.submission_create(
            learner=world.enrolment.learner, quiz=quiz, answers=perfect_answers(quiz)
        )
    for week in Week.objects.filter(number__lte=20):
        week_progress_set(enrolment=world.enrolment, week=week, status="completed")
    for _ in range(10):
        enrol(UserFactory(), mentor=mentor)


def client_for(user) -> APIClient:
    """A client for a freshly loaded user (whose mentor flag is not cached yet), like each request's."""
    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    return client


def count(user, url: str) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("template", LISTS)
def test_list_endpoints_run_in_constant_queries(world, mentor, template, django_assert_max_num_queries):
    url = template.format(enrolment=world.enrolment.pk)
    week_progress_set(enrolment=world.enrolment, week=Week.objects.get(number=1), status="in_progress")
    few = count(mentor, url)  # one row of each list at least: an empty page skips the rows' query
    grow(world, mentor)
    client = client_for(mentor)
    with django_assert_max_num_queries(LISTS[template]):
        assert client.get(url).status_code == 200
    assert count(mentor, url) == few
