"""A write is saved once when it is sent again (issue 37: a mentor whose feedback answered 500 after it
was saved retried and made a second feedback and a second e-mail). The forms carry a one-time key, the
API honours an Idempotency-Key header (lms.idempotency); the rows keep it under a unique constraint."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Submission
from mentoring.models import WeekFeedback
from mentoring.services import mentees_assign
from notifications.models import Email
from progress.services import enrolment_create
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.test_faults import quiz_form_data

KEY = "3f0c9a1e-6a55-4c59-9a63-1f2b8f0d7c11"


@pytest.fixture
def mentee(learner, mentor):
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    return enrolment


def key_in(page: str) -> str:
    [value] = re.findall(r'name="request_key" value="([^"]+)"', page)
    return value


@pytest.mark.django_db
def test_the_feedback_form_sent_twice_saves_one_feedback_and_one_e_mail(client, mentor, mentee):
    client.force_login(mentor)
    page = client.get(reverse("mentoring:learner", args=[mentee.pk])).content.decode()
    keys = re.findall(r'name="request_key" value="([^"]+)"', page)
    assert keys
    assert len(set(keys)) == len(keys)  # one per week's form
    url = reverse("mentoring:feedback", args=[mentee.pk, 1])
    form = {"body": "Good start.", "request_key": keys[0]}
    first = client.post(url, form)
    again = client.post(url, form)  # back after an error page, and send again
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert WeekFeedback.objects.filter(enrolment=mentee).count() == 1
    assert Email.objects.filter(recipient=mentee.learner).count() == 1
    next_page = client.get(reverse("mentoring:learner", args=[mentee.pk])).content.decode()
    assert keys[0] not in next_page  # a new page, new keys: the next feedback is a new one
    client.post(url, {"body": "And another thing.", "request_key": key_in_first_form(next_page)})
    assert WeekFeedback.objects.filter(enrolment=mentee).count() == 2


def key_in_first_form(page: str) -> str:
    return re.findall(r'name="request_key" value="([^"]+)"', page)[0]


@pytest.mark.django_db
def test_the_quiz_form_sent_twice_saves_one_attempt_and_shows_it(client, learner):
    quiz = make_quiz(week=3, max_attempts=3)
    client.force_login(learner)
    page = client.get(f"/quizzes/week/{quiz.week.number}/").content.decode()
    form = {**quiz_form_data(quiz), "request_key": key_in(page)}
    first = client.post(f"/quizzes/week/{quiz.week.number}/", form)
    again = client.post(f"/quizzes/week/{quiz.week.number}/", form)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]  # the same submission's page
    assert Submission.objects.filter(learner=learner).count() == 1
    assert key_in(client.get(f"/quizzes/week/{quiz.week.number}/").content.decode()) != form["request_key"]


@pytest.mark.django_db
def test_an_api_submission_sent_again_with_its_key_answers_the_same_and_saves_nothing(learner):
    quiz = make_quiz(week=3, max_attempts=1)
    api = APIClient()
    api.force_authenticate(learner)
    body = {"quiz": quiz.pk, "answers": perfect_answers(quiz)}
    first = api.post("/api/v1/submissions/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = api.post("/api/v1/submissions/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Submission.objects.filter(learner=learner).count() == 1  # its one attempt, used once
    other = api.post("/api/v1/submissions/", body, format="json", HTTP_IDEMPOTENCY_KEY="another")
    assert other.status_code == 400  # a new key is a new attempt: none left
    assert "used your only attempt" in str(other.json())


@pytest.mark.django_db
def test_api_feedback_sent_again_with_its_key_answers_the_same_and_saves_nothing(mentor, mentee):
    api = APIClient()
    api.force_authenticate(mentor)
    url = f"/api/v1/mentor/learners/{mentee.pk}/feedback/"
    first = api.post(url, {"week": 1, "body": "Hi"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = api.post(url, {"week": 1, "body": "Hi"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert WeekFeedback.objects.count() == 1
    assert Email.objects.count() == 1
    assert api.post(url, {"week": 1, "body": "Hi"}, format="json").status_code == 201  # no key: a new one
    assert WeekFeedback.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["has space", "é", "x" * 101, "tab\there"])
def test_a_malformed_key_is_a_400_naming_the_header(learner, key):
    quiz = make_quiz(week=3)
    api = APIClient()
    api.force_authenticate(learner)
    response = api.post(
        "/api/v1/submissions/",
        {"quiz": quiz.pk, "answers": perfect_answers(quiz)},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_a_key_used_for_another_quiz_is_a_400(learner):
    quizzes = [make_quiz(week=3), make_quiz(week=4)]
    api = APIClient()
    api.force_authenticate(learner)
    codes = [
        api.post(
            "/api/v1/submissions/",
            {"quiz": quiz.pk, "answers": perfect_answers(quiz)},
            format="json",
            HTTP_IDEMPOTENCY_KEY=KEY,
        ).status_code
        for quiz in quizzes
    ]
    assert codes == [201, 400]
    assert Submission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sends_the_same_key_twice_at_once_and_one_submission_is_saved(curriculum_tx, learner):
    if connection.vendor != "postgresql":
        pytest.skip("two requests at once need a database that serves two connections")
    quiz = make_quiz(week=3, max_attempts=3)
    start = threading.Barrier(2)
    answers: list[tuple[int, object]] = []

    def submit() -> None:
        try:
            client = Client(raise_request_exception=False)
            client.force_login(learner)
            start.wait()
            response = client.post(
                "/api/v1/submissions/",
                {"quiz": quiz.pk, "answers": perfect_answers(quiz)},
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=KEY,
            )
            answers.append((response.status_code, response.json().get("id")))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Submission.objects.count() == 1
    assert answers == [(201, Submission.objects.get().pk)] * 2
