"""Cached page content (lms.page_cache): repeated visits read no learner data, and every kind of change
— the learner's, a mentor's, an admin's, the worker's, the calendar's — shows on the next visit."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from assessments import services as assessment_services
from assessments.models import Submission
from curriculum.models import Week
from lms import page_cache
from mentoring import services as mentoring_services
from progress.models import Enrolment
from progress.services import enrolment_create, week_progress_set
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.assessments.test_worker import wait_for_status
from tests.conftest import redis_broker_or_skip

START = date(2026, 11, 2)  # a Monday
LEARNER_TABLES = ("progress_", "assessments_", "mentoring_")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    assert settings.SHARED_CACHE, "the test command runs with a shared cache (CACHE_URL=redis://…)"
    assert settings.PAGE_CACHE_SECONDS > 0


@pytest.fixture
def enrolment(learner, mentor):
    with freeze_time(START):
        enrolment = enrolment_create(learner=learner, start_date=START)
    mentoring_services.mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    return enrolment


def page(client: Client, name: str, **query: str) -> str:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.content.decode()


def without_csrf_tokens(html: str) -> str:
    """Tokens are masked anew for every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def learner_tables_read(client: Client, name: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        page(client, name)
    return [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in LEARNER_TABLES)]


@pytest.mark.django_db
@freeze_time("2026-11-18 12:00")
@pytest.mark.parametrize("name", ["progress:dashboard", "progress:schedule"])
def test_a_repeated_visit_reads_no_learner_data_and_shows_the_same(client, learner, enrolment, name):
    client.force_login(learner)
    first = page(client, name)
    assert learner_tables_read(client, name) == []
    assert without_csrf_tokens(page(client, name)) == without_csrf_tokens(first)


@pytest.mark.django_db
@freeze_time("2026-11-18 12:00")
def test_a_page_cached_as_text_by_an_earlier_release_is_rebuilt(client, learner, enrolment):
    """Pages are cached as bytes now; a deploy finds the entries of the release before it in Redis."""
    client.force_login(learner)
    first = page(client, "progress:dashboard")
    key = page_cache.page_entry_key(f"dashboard:{learner.pk}")
    entry = cache.get(key)
    cache.set(key, {**entry, "html": entry["html"].decode()})

    assert without_csrf_tokens(page(client, "progress:dashboard")) == without_csrf_tokens(first)
    assert isinstance(cache.get(key)["html"], bytes)


@pytest.mark.django_db
@freeze_time("2026-11-18 12:00")
def test_the_mentor_dashboard_is_cached_per_filter_and_page(client, mentor, enrolment):
    client.force_login(mentor)
    everyone = page(client, "mentoring:dashboard")
    assert learner_tables_read(client, "mentoring:dashboard") == []
    failed_a_quiz = page(client, "mentoring:dashboard", flag="failed_quiz")
    assert "learner@example.com" in everyone
    assert "learner@example.com" not in failed_a_quiz  # the filter applied, not the cached page


@pytest.mark.django_db
def test_progress_an_admin_edit_and_a_review_show_on_the_next_visit(client, learner, mentor, enrolment):
    client.force_login(learner)
    with freeze_time("2026-11-18 12:00"):  # week 3
        assert "0 of 52 weeks completed" in page(client, "progress:dashboard")
        week_progress_set(enrolment=enrolment, week=Week.objects.get(number=1), status="completed")
        assert "1 of 52 weeks completed" in page(client, "progress:dashboard")

        week = Week.objects.get(number=3)
        week.topic = "Linear algebra, revised"
        week.save()
        assert "Week 3: Linear algebra, revised" in page(client, "progress:dashboard")
        assert "Linear algebra, revised" in page(client, "progress:schedule")

        mentoring_services.phase_review_create(
            reviewer=mentor,
            enrolment=enrolment,
            phase=week.phase,
            decision="returned",
            comments="Redo week 1.",
        )
        assert "your mentor asks: Redo week 1." in page(client, "progress:dashboard")


@pytest.mark.django_db
def test_a_new_day_where_the_learner_lives_moves_the_current_week(client, learner):
    with freeze_time(START):
        enrolment = enrolment_create(learner=learner, start_date=START, timezone_name="Asia/Kolkata")
    client.force_login(learner)
    # Sunday 8 November, 23:59 in Kolkata (UTC+5:30) is 18:29 UTC; a minute later it is Monday there.
    with freeze_time("2026-11-08 18:29"):
        assert "Week 1:" in page(client, "progress:dashboard")
    with freeze_time("2026-11-08 18:31"):
        assert "Week 2:" in page(client, "progress:dashboard")
    assert enrolment.timezone == "Asia/Kolkata"


@pytest.mark.django_db
@freeze_time("2026-11-18 12:00")
def test_moving_a_learner_to_another_mentor_updates_both_mentors_pages(
    client, mentor, other_mentor, enrolment
):
    mentor_client, other_client = Client(), Client()
    mentor_client.force_login(mentor)
    other_client.force_login(other_mentor)
    assert "learner@example.com" in page(mentor_client, "mentoring:dashboard")
    assert "learner@example.com" not in page(other_client, "mentoring:dashboard")

    mentoring_services.mentees_assign(mentor=other_mentor, enrolment_ids=[enrolment.pk])

    assert "learner@example.com" not in page(mentor_client, "mentoring:dashboard")
    assert "learner@example.com" in page(other_client, "mentoring:dashboard")


@pytest.mark.django_db
def test_the_forms_of_a_cached_page_carry_the_visitors_own_csrf_token(learner, enrolment):
    with freeze_time("2026-11-18 12:00"):
        first = Client(enforce_csrf_checks=True)
        first.force_login(learner)
        page(first, "progress:dashboard")  # cached with this session's token

        second = Client(enforce_csrf_checks=True)  # another log-in: another CSRF secret
        second.force_login(learner)
        html = page(second, "progress:dashboard")
        token = r'action="/enrolment/pause/".*?name="csrfmiddlewaretoken" value="([^"]+)"'
        pause_form = re.search(token, html, re.S)
        assert pause_form, "the pause form has a CSRF token"
        response = second.post(reverse("progress:pause"), {"csrfmiddlewaretoken": pause_form.group(1)})
    assert response.status_code == 302
    assert Enrolment.objects.get(pk=enrolment.pk).status == "paused"


@pytest.mark.celery_worker
def test_a_grade_from_the_worker_shows_on_the_learners_cached_pages(curriculum_tx, client, learner):
    """The worker grades with UPDATE (no signals) in another process's place: its bump must reach us."""
    from celery.contrib.testing.worker import start_worker

    from lms.celery import app

    redis_broker_or_skip()
    app.control.purge()
    enrolment_create(learner=learner, start_date=date.today())
    quiz = make_quiz(week=1)
    client.force_login(learner)
    answers = perfect_answers(quiz)
    submission = assessment_services.submission_create(learner=learner, quiz=quiz, answers=answers)
    assert "Grading…" in page(client, "progress:schedule")  # queued, no worker yet: cached so

    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"):
        wait_for_status(submission.pk, status=Submission.Status.GRADED)

    schedule = page(client, "progress:schedule")
    assert "Grading…" not in schedule
    assert "Passed" in schedule


@pytest.mark.django_db
def test_with_the_cache_down_pages_come_from_the_database_and_writes_succeed(
    settings, client, learner, mentor, enrolment, caplog
):
    """In the compose stack the broker and the cache share one Redis: its failure loses nothing.
    (Logging in needs the cache: its rate limits live there, and a session it may hold is never
    reported as ended while it does not answer.)"""
    client.force_login(learner)
    mentor_client = Client()
    mentor_client.force_login(mentor)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    with freeze_time("2026-11-18 12:00"):
        assert "0 of 52 weeks completed" in page(client, "progress:dashboard")
        response = client.post(reverse("progress:week", args=[1]), {"status": "completed", "notes": "Done."})
        assert response.status_code == 302
        assert "1 of 52 weeks completed" in page(client, "progress:dashboard")
        assert "learner@example.com" in page(mentor_client, "mentoring:dashboard")
        quiz = make_quiz(week=3)
        answers = perfect_answers(quiz)
        submission = assessment_services.submission_create(learner=learner, quiz=quiz, answers=answers)
    assert Enrolment.objects.get(pk=enrolment.pk).week_progress.get().notes == "Done."
    assert Submission.objects.filter(pk=submission.pk, status=Submission.Status.PENDING).exists()
    assert "page cache: not answering" in caplog.text
    assert "page cache: could not mark" in caplog.text
    assert "sessions: cache not answering" in caplog.text


def test_cached_pages_drop_indentation_but_never_inside_preformatted_text():
    html = "<ul>\n    <li>A</li>\n\n    <li>B</li>\n</ul>\n  <p>x  y</p>"
    assert page_cache._without_indentation(html) == "<ul>\n<li>A</li>\n<li>B</li>\n</ul>\n<p>x  y</p>"
    for element in ("<pre>", "<textarea name='note'>"):
        preformatted = f"<div>\n    {element}\n    indented\n</div>"
        assert page_cache._without_indentation(preformatted) == preformatted


@pytest.mark.django_db
@freeze_time("2026-11-18 12:00")
def test_the_schedule_is_sent_without_indentation(client, learner, enrolment):
    client.force_login(learner)
    for _visit in ("miss", "hit"):
        html = page(client, "progress:schedule")
        assert "Your schedule" in html
        assert not re.search(r"\n[ \t]", html)
