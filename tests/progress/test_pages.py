"""Learner journeys through the pages: sign-up, enrolment, dashboard, week progress, re-plan."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import User
from curriculum.models import Week
from progress.models import Enrolment, ScheduleChange, WeekProgress
from progress.services import enrolment_create, week_progress_set
from tests.outbox import outbox_sent_here

START = date(2026, 11, 2)  # a Monday


def sign_up_and_log_in(client, email: str) -> User:
    with outbox_sent_here():
        response = client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
            },
        )
    assert response.status_code == 302
    confirm_url = re.search(r"https?://[^/]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    assert client.post(confirm_url).status_code == 302
    response = client.post(
        reverse("account_login"), {"login": email, "password": "a-long-unusual-passphrase"}
    )
    assert response.status_code == 302
    return User.objects.get(email=email)


def phase_percent(page: str, phase: int) -> int:
    bar = re.search(rf'aria-label="Phase {phase} progress"[^>]*value="(\d+)"', page, re.S)
    return int(bar.group(1))


@pytest.fixture
def enrolment(learner):
    with freeze_time(START):
        return enrolment_create(learner=learner, start_date=START)


@pytest.mark.django_db
def test_sign_up_enrol_and_see_week_one_then_week_five_four_weeks_later(client):
    with freeze_time(START - timedelta(days=3)):
        ada = sign_up_and_log_in(client, "ada@example.com")
        assert client.get(reverse("learner:dashboard")).url == reverse("progress:enrol")
        response = client.post(
            reverse("progress:enrol"),
            {"start_date": START.isoformat(), "pace": "1", "timezone": "Europe/London"},
        )
        assert response.url == reverse("learner:dashboard")
    with freeze_time(START):
        page = client.get(reverse("learner:dashboard")).content.decode()
        assert "Week 1: Essential Math Foundation - Part 1" in page
        assert "Vectors, matrices, basic derivatives" in page
    with freeze_time(START + timedelta(weeks=4, hours=12)):
        client.force_login(ada)  # the session from four weeks ago has expired
        page = client.get(reverse("learner:dashboard")).content.decode()
        assert "Week 5: Text Processing &amp; Tokenization - Part 1" in page
        assert "Behind by 4 weeks" in page


@pytest.mark.django_db
def test_marking_a_week_complete_updates_the_progress_bar(client, learner, enrolment):
    client.force_login(learner)
    with freeze_time(START + timedelta(days=2)):
        page = client.get(reverse("learner:dashboard")).content.decode()
        assert phase_percent(page, 1) == 0
        response = client.post(reverse("learner:week", args=[1]), {"status": "completed", "notes": "Done!"})
        assert response.status_code == 302
        page = client.get(reverse("learner:dashboard")).content.decode()
    assert phase_percent(page, 1) == 5  # 1 of 22 phase-1 weeks
    assert "1 of 22 weeks" in page
    progress = WeekProgress.objects.get(enrolment=enrolment, week__number=1)
    assert progress.notes == "Done!"
    assert progress.completed_at is not None
    # The week's page shows the learner's own row of it (and no other week's).
    with freeze_time(START + timedelta(days=2)):
        week_1 = client.get(reverse("learner:week", args=[1])).content.decode()
        week_2 = client.get(reverse("learner:week", args=[2])).content.decode()
    assert f"· completed {progress.completed_at:%-d %B %Y}" in week_1
    assert "Done!</textarea>" in week_1
    assert '<span class="tag ok">Completed</span>' in week_1
    assert "· completed" not in week_2
    assert "Done!" not in week_2
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start_date", "pace", "field"),
    [
        ("not-a-date", "1", "start_date"),
        ("2026-02-30", "1", "start_date"),
        ("1999-01-04", "1", "start_date"),
        ("2026-11-30", "0", "pace"),
        ("2026-11-30", "abc", "pace"),
        ("2026-11-30", "7", "pace"),
    ],
)
def test_an_invalid_start_date_or_pace_is_a_form_error(client, learner, start_date, pace, field):
    client.force_login(learner)
    with freeze_time("2026-11-24"):
        response = client.post(
            reverse("progress:enrol"), {"start_date": start_date, "pace": pace, "timezone": "UTC"}
        )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_an_unknown_time_zone_is_a_form_error(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("progress:enrol"), {"start_date": START.isoformat(), "pace": "1", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    assert "timezone" in response.context["form"].errors


@pytest.mark.django_db
def test_an_invalid_week_status_is_a_form_error_and_keeps_saved_notes(client, learner, enrolment):
    week_progress_set(
        enrolment=enrolment, week=Week.objects.get(number=1), status="in_progress", notes="Keep me"
    )
    client.force_login(learner)
    response = client.post(reverse("learner:week", args=[1]), {"status": "finished", "notes": "x" * 20000})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"status", "notes"}
    assert WeekProgress.objects.get(enrolment=enrolment, week__number=1).notes == "Keep me"


@pytest.mark.django_db
def test_a_learner_who_is_behind_can_re_plan_and_the_change_is_recorded(client, learner, enrolment):
    week_progress_set(enrolment=enrolment, week=Week.objects.get(number=1), status="completed")
    client.force_login(learner)
    with freeze_time("2026-11-25 10:00"):  # a Wednesday, weeks 2 and 3 overdue
        assert "Behind by 2 weeks" in client.get(reverse("learner:dashboard")).content.decode()
        client.post(reverse("progress:replan"))
        page = client.get(reverse("learner:dashboard")).content.decode()
    assert "On track" in page
    assert "Week 2: Essential Math Foundation - Part 2" in page
    change = ScheduleChange.objects.get(enrolment=enrolment)
    assert (change.from_week, change.starts_on, change.changed_by) == (2, date(2026, 11, 23), learner)


@pytest.mark.django_db
def test_re_planning_when_on_track_is_refused_with_a_message(client, learner, enrolment):
    client.force_login(learner)
    with freeze_time(START):
        response = client.post(reverse("progress:replan"), follow=True)
    assert "nothing to re-plan" in response.content.decode()
    assert not ScheduleChange.objects.exists()


@pytest.mark.django_db
def test_pause_and_resume_continue_the_schedule_where_it_stopped(client, learner, enrolment):
    client.force_login(learner)
    with freeze_time("2026-11-10"):  # week 2
        client.post(reverse("progress:pause"))
    with freeze_time("2026-12-01"):
        assert "Paused" in client.get(reverse("learner:dashboard")).content.decode()
        client.post(reverse("progress:resume"))
        page = client.get(reverse("learner:dashboard")).content.decode()
    assert "Week 2: Essential Math Foundation - Part 2" in page
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


@pytest.mark.django_db
@pytest.mark.parametrize("completed", [0, 52])
def test_dashboard_and_schedule_run_in_constant_queries(
    client, learner, enrolment, completed, django_assert_max_num_queries
):
    for week in Week.objects.filter(number__lte=completed):
        week_progress_set(enrolment=enrolment, week=week, status="completed")
    client.force_login(learner)
    for name in ["learner:dashboard", "learner:schedule"]:
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_the_schedule_page_shows_52_dated_weeks_with_the_current_one_highlighted(client, learner, enrolment):
    client.force_login(learner)
    with freeze_time("2026-11-18"):
        page = client.get(reverse("learner:schedule")).content.decode()
    assert page.count('<tr id="week-') == 52
    assert re.search(r'<tr id="week-3" class="current" aria-current="date">\s*<td>3</td>', page)
    assert page.count("Overdue") == 2
    assert "2 November – 8 November 2026" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    ["https://evil.example/x", "//evil.example", "/\\evil.example", "https:///evil.x", "foo", "javascript:x"],
)
@pytest.mark.parametrize("action", ["progress:pause", "progress:replan", "progress:resume"])
def test_an_action_never_sends_the_learner_to_another_host_or_fails_after_it_ran(
    client, learner, enrolment, action, target
):
    client.force_login(learner)
    if action == "progress:resume":
        client.post(reverse("progress:pause"))
    response = client.post(reverse(action), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("learner:dashboard")


@pytest.mark.django_db
def test_an_action_returns_to_a_page_of_this_site(client, learner, enrolment):
    client.force_login(learner)
    response = client.post(reverse("progress:pause"), {"next": "/schedule/?from=pause"})
    assert response["Location"] == "/schedule/?from=pause"
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.PAUSED
