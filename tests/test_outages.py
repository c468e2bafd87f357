"""Outages degrade, never 500 (issue 37's fault run):

- with the cache (Redis) down, API writes and form log-ins go through — their limits count in the web
  process meanwhile (lms.fallback_cache) — where before the write throttle and allauth's rate limit
  raised ConnectionError into a 500;
- with Redis (broker and result backend) stopped, a mentor's feedback answers at once and is saved
  once: the after-commit e-mail enqueue neither waits on the result backend (the task ignores its
  result) nor raises into the committed request (it logs; the outbox sweep queues the e-mail later).
"""

import time

import pytest
from celery.backends.redis import RedisBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Submission
from lms.celery import app
from mentoring.models import WeekFeedback
from mentoring.services import mentees_assign
from notifications.models import Email
from progress.services import enrolment_create
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.factories import PASSWORD
from tests.test_faults import needs_postgresql, publishing_to

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}


@pytest.mark.django_db
def test_with_the_cache_down_api_submissions_go_through(cache_down, learner):
    enrolment_create(learner=learner, start_date=timezone.now().date())
    quiz = make_quiz(week=3)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.post(
        "/api/v1/submissions/",
        {"quiz": quiz.pk, "answers": perfect_answers(quiz)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content[:300]


@pytest.mark.django_db
def test_with_the_cache_down_form_log_ins_work_and_stay_limited(cache_down, learner):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    stranger = Client(raise_request_exception=False)
    codes = [
        stranger.post(reverse("account_login"), {"login": learner.email, "password": "guess"}).status_code
        for _ in range(7)
    ]
    assert codes[:5] == [200] * 5  # the form, with its error
    assert codes[5:] == [429, 429]  # slowed down all the same, counted in this process
    owner = Client(raise_request_exception=False, REMOTE_ADDR="198.51.100.7")
    response = owner.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert owner.get(reverse("learner:dashboard")).status_code in (200, 302)


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_a_mentors_feedback_answers_within_2_s_and_is_saved_once(
    curriculum_tx, own_redis, learner, mentor, monkeypatch, caplog
):
    needs_postgresql()
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    client = Client(raise_request_exception=False)
    client.force_login(mentor)
    monkeypatch.setattr(app, "_backend", RedisBackend(app=app, url=own_redis.url))
    with publishing_to(own_redis.url):
        own_redis.stop()  # the broker and the result backend, as in the compose stack
        started = time.monotonic()
        response = client.post(
            reverse("mentoring:feedback", args=[enrolment.pk, 3]), {"body": "Good work on attention."}
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2, f"the feedback took {elapsed:.1f} s"
    assert WeekFeedback.objects.filter(enrolment=enrolment).count() == 1
    email = Email.objects.get(recipient=learner)
    assert email.status == Email.Status.QUEUED  # for the sweep, once Redis is back
    assert "the sweep will retry" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_submissions_log_ins_and_feedback_never_answer_500(
    curriculum_tx, own_redis, settings, learner, mentor, monkeypatch
):
    """Issue 37's fault run, with one Redis as the compose stack has it — cache, broker and result
    backend — stopped: API quiz submissions and form log-ins answer 2xx or 503, a mentor's feedback
    answers within 2 s and is saved once."""
    from allauth.account.models import EmailAddress

    needs_postgresql()
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    quizzes = [make_quiz(week=week) for week in (3, 4)]
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": own_redis.url}}
    monkeypatch.setattr(app, "_backend", RedisBackend(app=app, url=own_redis.url))
    api, mentor_client = Client(raise_request_exception=False), Client(raise_request_exception=False)
    api.force_login(learner)
    mentor_client.force_login(mentor)
    with publishing_to(own_redis.url):
        own_redis.stop()
        submissions = [
            api.post(
                "/api/v1/submissions/",
                {"quiz": quiz.pk, "answers": perfect_answers(quiz)},
                content_type="application/json",
            ).status_code
            for quiz in quizzes
        ]
        log_ins = [
            Client(raise_request_exception=False)
            .post(reverse("account_login"), {"login": learner.email, "password": password})
            .status_code
            for password in ("wrong", PASSWORD)
        ]
        started = time.monotonic()
        feedback = mentor_client.post(
            reverse("mentoring:feedback", args=[enrolment.pk, 3]), {"body": "Good work on attention."}
        )
        elapsed = time.monotonic() - started
    assert all(code in (201, 503) for code in submissions), submissions
    assert submissions.count(201) == Submission.objects.filter(learner=learner).count()
    assert log_ins[0] in (200, 503), log_ins  # the form with its error
    assert log_ins[1] in (302, 503), log_ins
    assert feedback.status_code == 302
    assert elapsed < 2, f"the feedback took {elapsed:.1f} s"
    assert WeekFeedback.objects.filter(enrolment=enrolment).count() == 1
