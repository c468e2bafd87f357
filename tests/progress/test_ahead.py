"""A learner ahead of the plan: the dashboard says so, shows the week to work on, offers to pull forward."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from curriculum.models import Week
from progress.services import enrolment_create, enrolment_pause, week_progress_set

START = date(2026, 11, 2)  # a Monday


@pytest.fixture
def enrolment(learner):
    with freeze_time(START):
        return enrolment_create(learner=learner, start_date=START)


def complete(enrolment, numbers) -> None:
    for week in Week.objects.filter(number__in=list(numbers)):
        week_progress_set(enrolment=enrolment, week=week, status="completed")


@pytest.mark.django_db
def test_after_completing_weeks_1_to_22_in_week_1_the_dashboard_says_ahead(client, learner, enrolment):
    complete(enrolment, range(1, 23))
    client.force_login(learner)
    with freeze_time(START + timedelta(days=2)):
        page = client.get(reverse("learner:dashboard")).content.decode()
    week_23, week_24 = Week.objects.get(number=23), Week.objects.get(number=24)
    assert "Ahead by 21 weeks" in page
    assert "On track" not in page
    assert f'<h2 id="this-week">Week 23: {week_23.topic}</h2>' in page.replace("&amp;", "&")
    assert "Your week now, ahead of the plan" in page
    assert "Week 1: " not in page
    assert (
        f'Next: <a href="{reverse("learner:week", args=[24])}">Week 24: {week_24.topic}</a>'
        in page.replace("&amp;", "&")
    )
    assert f'<a class="button" href="{reverse("progress:replan")}">Pull my plan forward</a>' in page


@pytest.mark.django_db
def test_pulling_the_plan_forward_starts_the_first_unfinished_week_this_week(client, learner, enrolment):
    complete(enrolment, range(1, 23))
    client.force_login(learner)
    with freeze_time(START + timedelta(days=2)):
        preview = client.get(reverse("progress:replan")).content.decode()
        assert "<h1>Pull your plan forward</h1>" in preview
        assert "Week 23 starts on 2 November 2026" in preview
        response = client.post(reverse("progress:replan"), {"from_week": "2", "starts_on": START.isoformat()})
        assert response.url == reverse("learner:dashboard")
        page = client.get(reverse("learner:dashboard")).content.decode()
    assert "On track" in page
    assert "Pull my plan forward" not in page
    assert "This week · 2 November – 8 November 2026" in page


@pytest.mark.django_db
def test_a_paused_dashboard_announces_no_next_week(client, learner, enrolment):
    client.force_login(learner)
    with freeze_time(START + timedelta(days=8)):
        assert "Next: " in client.get(reverse("learner:dashboard")).content.decode()
        enrolment_pause(enrolment=enrolment)
        page = client.get(reverse("learner:dashboard")).content.decode()
    assert "Paused" in page
    assert "Next: " not in page
    assert "Resume my schedule" in page
