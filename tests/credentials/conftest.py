"""A learner enrolled with a mentor, phases finished, signed off: the certificates' world."""

from decimal import Decimal

import pytest
from django.db.models import Max
from django.utils import timezone

from assessments.models import Quiz, Submission
from assessments.records import quiz_record_refresh
from credentials.models import Certificate
from curriculum.models import Phase, Week
from mentoring.services import mentees_assign, phase_review_create
from progress.models import Enrolment
from progress.services import enrolment_create, week_progress_set


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored files (the PDFs) go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


def finish_phase(enrolment: Enrolment, number: int) -> None:
    """Every week of the phase completed, every published quiz of it passed and its sign-off project
    accepted."""
    from projects.models import Project
    from tests.projects.conftest import accept_project

    for project in Project.objects.filter(
        week__phase__number=number, signs_off_phase=True, is_published=True
    ):
        accept_project(enrolment, week=project.week.number)
    for week in Week.objects.filter(phase__number=number):
        week_progress_set(enrolment=enrolment, week=week, status="completed")
    for quiz in Quiz.objects.filter(week__phase__number=number, is_published=True):
        # The learner's next attempt: they may have tried the quiz before, now or in an earlier enrolment.
        tried = Submission.objects.filter(learner=enrolment.learner, quiz=quiz)
        attempt_number = (tried.aggregate(n=Max("attempt_number"))["n"] or 0) + 1
        Submission.objects.create(
            learner=enrolment.learner, enrolment=enrolment, quiz=quiz, attempt_number=attempt_number,
            status=Submission.Status.GRADED, percent=Decimal(100), passed=True, graded_at=timezone.now(),
        )  # fmt: skip
    # Written past the services: refresh the stored record (the mentor's figures), as grading does.
    quiz_record_refresh(learner_ids=[enrolment.learner_id])


def sign_off(enrolment: Enrolment, number: int, *, by) -> Certificate:
    finish_phase(enrolment, number)
    phase_review_create(
        reviewer=by, enrolment=enrolment, phase=Phase.objects.get(number=number), decision="signed_off"
    )
    return Certificate.objects.get(enrolment=enrolment, phase__number=number, revoked_at__isnull=True)


@pytest.fixture
def mentee(learner, mentor):
    learner.name = "Ada Lovelace"
    learner.save(update_fields=["name"])
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    mentor.name = "Grace Hopper"
    mentor.save(update_fields=["name"])
    return enrolment


@pytest.fixture
def certificate(mentee, mentor) -> Certificate:
    """Phase 1 of the learner, signed off by their mentor."""
    return sign_off(mentee, 1, by=mentor)


@pytest.fixture(autouse=True)
def _no_stray_database_sessions(request):
    """Threads of the transactional tests (concurrent sign-offs, the Celery worker) may leave an idle
    session behind; end them so that the test database can be dropped at the end."""
    yield
    if "transactional_db" not in request.fixturenames:
        return
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
            )
