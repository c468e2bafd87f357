"""With the cache (Redis) down, nothing is lost: sessions come from the database, pages and writes work.

In the compose stack the broker and the cache share one Redis. No page is cached, so a page only needs
the cache for the session (Django's cached_db with lms/sessions.py's database fallback)."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from assessments import services as assessment_services
from assessments.models import Submission
from mentoring import services as mentoring_services
from progress.models import Enrolment
from progress.services import enrolment_create
from tests.assessments.conftest import make_quiz, perfect_answers


def page(client: Client, name: str) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200, response
    return response.content.decode()


@pytest.mark.django_db
def test_with_the_cache_down_pages_come_from_the_database_and_writes_succeed(
    settings, client, learner, mentor, caplog
):
    assert django_settings.SESSION_ENGINE == "lms.sessions", "the test command runs with a shared cache"
    with freeze_time("2026-11-16 09:00"):
        enrolment = enrolment_create(learner=learner, start_date=date(2026, 11, 16))
    mentoring_services.mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    client.force_login(learner)
    mentor_client = Client()
    mentor_client.force_login(mentor)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    with freeze_time("2026-11-18 12:00"):
        assert "0 of 52 weeks completed" in page(client, "learner:dashboard")
        response = client.post(reverse("learner:week", args=[1]), {"status": "completed", "notes": "Done."})
        assert response.status_code == 302
        assert "1 of 52 weeks completed" in page(client, "learner:dashboard")
        assert learner.display_name in page(mentor_client, "mentoring:dashboard")
        quiz = make_quiz(week=3)
        submission = assessment_services.submission_create(
            learner=learner, quiz=quiz, answers=perfect_answers(quiz)
        )
    assert Enrolment.objects.get(pk=enrolment.pk).week_progress.get().notes == "Done."
    assert Submission.objects.filter(pk=submission.pk).exists()
    assert "sessions: cache not answering" in caplog.text
