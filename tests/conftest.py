"""Shared fixtures: the curriculum in the test database, and one user of every role."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Model
from django.test import override_settings

from tests.factories import MentorFactory, StaffFactory, UserFactory
from tests.identity_provider import identity_provider, sso_settings  # noqa: F401 (single sign-on's fixtures)
from tests.redis_server import own_redis  # noqa: F401 (a fixture for every test module)

# The roles every permission test covers, in the column order of their expectation tables. The former
# mentor mentored the learner's current enrolment before `mentor` took it over; the completed mentor
# mentored the learner's earlier enrolment, now completed, under which the learner submitted work
# (`mentor_history`). A replaced mentor reads nothing of it; the mentor at the end of an enrolment reads
# that enrolment only, acting on nothing (progress.scope.enrolments_read_by, tests/test_mentor_history.py).
ROLES = (
    "anonymous", "learner", "other_learner", "mentor", "other_mentor", "former_mentor", "completed_mentor",
    "staff",
)  # fmt: skip

REPO = Path(settings.BASE_DIR)
CURRICULUM_FIXTURES = [
    REPO / "fixtures" / "curriculum.json",
    REPO / "fixtures" / "starter_quizzes.json",
    REPO / "fixtures" / "projects.json",
    REPO / "fixtures" / "exercises.json",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def load_curriculum() -> None:
    call_command("load_curriculum", *CURRICULUM_FIXTURES, verbosity=0)


CURRICULUM_ROWS: list[tuple[type[Model], list[Model]]] = []
"""The curriculum's rows as loaded at the start of the run, model by model (`curriculum_tx` puts them
back after a transactional test's flush)."""


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the curriculum once; every test's transaction rolls back to it."""
    from django.apps import apps

    from curriculum.services import CONTENT_MODELS

    with django_db_blocker.unblock():
        load_curriculum()
        models = [apps.get_model(label) for label in sorted(CONTENT_MODELS)]
        CURRICULUM_ROWS[:] = [(model, list(model._base_manager.all())) for model in models]


@pytest.fixture
def curriculum_tx(transactional_db):
    """For transactional tests, which flush the database after each test: the curriculum again, as the
    run loaded it. Its rows are inserted as they were (a few INSERTs); loading the fixtures through the
    validating loader again took ~6 s a test, the longest part of the transactional tests."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from curriculum.models import Week

    if Week.objects.exists():
        return
    with transaction.atomic():  # foreign keys are checked at the commit, whatever the models' order
        for model, rows in CURRICULUM_ROWS:
            model._base_manager.bulk_create(rows)
        models = [model for model, _ in CURRICULUM_ROWS]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """PBKDF2 takes ~0.25 s a password here, and every user a test makes has one (Django's advice for
    test suites). Production keeps Django's hashers; the log-in, sign-up and password-change tests
    still hash and check real passwords, with this hasher."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _throwaway_credentials_key():
    """Certificates' credentials are signed with a key made for this run (never a real one)."""
    from credentials.signing import generate_key_text

    with override_settings(CREDENTIALS_SIGNING_KEY=generate_key_text()):
        yield


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request in another language (LocaleMiddleware activates it) leaves it active in the test's
    thread: no test starts in the language the one before it ended in."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (allauth, DRF throttles) live in the cache: no test inherits another's."""
    from django.core.cache import cache

    from lms.fallback_cache import fallback_cache

    cache.clear()
    fallback_cache.local.clear()  # the in-process stand-in while Redis is down
    fallback_cache.broken_until = 0.0


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other_learner")


@pytest.fixture
def mentor(db):
    return MentorFactory(username="mentor")


@pytest.fixture
def other_mentor(db):
    return MentorFactory(username="other_mentor")


@pytest.fixture
def former_mentor(db):
    return MentorFactory(username="former_mentor")


@pytest.fixture
def completed_mentor(db):
    return MentorFactory(username="completed_mentor")


@pytest.fixture
def staff(db):
    return StaffFactory(username="staff")


def mentor_history(learner, *, completed_mentor, former_mentor, enrol_now):
    """Give the learner a past: an earlier enrolment, mentored by `completed_mentor`, with a graded
    submission made under it, then completed; then the current enrolment (`enrol_now()`, which the
    caller's world creates), first assigned to `former_mentor`. The caller then assigns its mentor.
    Returns (earlier enrolment, its submission, current enrolment)."""
    from django.utils import timezone

    from assessments.models import Quiz, Submission
    from mentoring.services import mentees_assign
    from progress.models import Enrolment
    from progress.services import enrolment_create

    earlier = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=completed_mentor, enrolment_ids=[earlier.pk])
    quiz = Quiz.objects.filter(is_published=True, week__number=1).first()
    old_work = Submission.objects.create(
        learner=learner, quiz=quiz, enrolment=earlier, attempt_number=1, status=Submission.Status.GRADED,
        score=0, max_score=1, percent=0, passed=False, graded_at=timezone.now(),
    )  # fmt: skip
    Enrolment.objects.filter(pk=earlier.pk).update(status=Enrolment.Status.COMPLETED)
    current = enrol_now()
    mentees_assign(mentor=former_mentor, enrolment_ids=[current.pk])
    return earlier, old_work, current


def redis_broker_or_skip() -> None:
    """Celery tests need the Redis broker; in CI its absence is a failure, not a skip."""
    import redis

    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        if IN_CI:
            pytest.fail("CELERY_BROKER_URL must point at Redis in CI")
        pytest.skip("CELERY_BROKER_URL is not Redis")
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        if IN_CI:
            raise
        pytest.skip("Redis is not reachable")


@pytest.fixture
def celery_worker(curriculum_tx):
    """A real Celery worker, in a thread of this process, consuming from the Redis broker (the default
    queue and the sandbox queue)."""
    from celery.contrib.testing.worker import start_worker

    from lms.celery import app

    redis_broker_or_skip()
    app.control.purge()
    # The default queue and the sandbox's (code exercises: CELERY_TASK_ROUTES), as one worker here.
    with start_worker(
        app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        loglevel="WARNING",
        queues=["celery", "sandbox"],
    ):
        yield app


@pytest.fixture
def celery_eager():
    """Run tasks in-process for a test that is about what the task does, not about the broker."""
    from lms.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture
def pg(curriculum_tx):
    """For transactional tests of PostgreSQL's row locks (real threads): the curriculum loaded; skipped
    on another database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
