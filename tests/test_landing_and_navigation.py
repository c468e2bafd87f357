"""Where signing in lands, and a menu that follows the role: learners, mentors, staff."""

import re
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from freezegun import freeze_time

from progress.services import enrolment_create, week_progress_set
from tests.factories import PASSWORD

START = date(2026, 11, 2)  # a Monday


def log_in(client, user) -> str:
    """Through the real log-in form; returns where it redirects."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response.url


def menu(client) -> list[str]:
    """The texts of the main menu's links and buttons, in order."""
    page = client.get(reverse("curriculum:overview")).content.decode()
    nav = re.search(r'<nav aria-label="Main".*?</nav>', page, re.S).group(0)
    return [text.strip() for text in re.findall(r"<(?:a|button)\b[^>]*>([^<]+)</", nav)]


@pytest.mark.django_db
def test_a_learner_without_an_enrolment_lands_on_the_enrol_form(client, learner):
    assert client.get(log_in(client, learner)).url == reverse("progress:enrol")


@pytest.mark.django_db
def test_an_enrolled_learner_lands_on_the_dashboard(client, learner):
    enrolment_create(learner=learner, start_date=date.today())
    landing = log_in(client, learner)
    assert landing == reverse("learner:dashboard")
    assert client.get(landing).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["mentor", "staff"])
def test_mentors_and_staff_who_are_not_learners_land_on_their_mentees(client, request, role):
    user = request.getfixturevalue(role)
    assert client.get(log_in(client, user)).url == reverse("mentoring:dashboard")


@pytest.mark.django_db
def test_the_menu_follows_the_role(client, learner, mentor, staff):
    client.force_login(learner)
    assert menu(client) == [
        "AI/ML Curriculum", "Curriculum", "Dashboard", "Schedule", "Progress", "Settings", "Preferences",
        "Log out",
    ]  # fmt: skip
    client.force_login(mentor)
    assert menu(client) == ["AI/ML Curriculum", "Curriculum", "Account", "Preferences", "Mentees", "Log out"]
    client.force_login(staff)
    assert menu(client) == [
        "AI/ML Curriculum", "Curriculum", "Account", "Preferences", "Mentees", "Admin", "Log out",
    ]  # fmt: skip
    # A mentor who follows the curriculum too has both.
    enrolment_create(learner=mentor, start_date=date.today())
    client.force_login(mentor)
    assert menu(client) == [
        "AI/ML Curriculum", "Curriculum", "Dashboard", "Schedule", "Progress", "Settings", "Preferences",
        "Mentees", "Log out",
    ]  # fmt: skip
    client.logout()
    assert menu(client) == ["AI/ML Curriculum", "Curriculum", "Log in", "Sign up"]


@pytest.mark.django_db
def test_the_home_page_offers_to_continue_with_the_learners_week(client, learner):
    with freeze_time(START):
        enrolment = enrolment_create(learner=learner, start_date=START)
    client.force_login(learner)
    with freeze_time(START + timedelta(weeks=2, days=1)):
        page = client.get(reverse("home")).content.decode()
        assert f'href="{reverse("learner:week", args=[3])}">Continue: Week 3</a>' in page
        # This week done and the next two as well: continue with the first unfinished week.
        from curriculum.models import Week

        for number in (3, 4, 5):
            week_progress_set(enrolment=enrolment, week=Week.objects.get(number=number), status="completed")
        assert "Continue: Week 1</a>" in client.get(reverse("home")).content.decode()
        for number in (1, 2):
            week_progress_set(enrolment=enrolment, week=Week.objects.get(number=number), status="completed")
        assert "Continue: Week 6</a>" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_home_page_sends_mentors_to_their_mentees(client, mentor):
    client.force_login(mentor)
    page = client.get(reverse("home")).content.decode()
    assert "Continue:" not in page
    assert f'href="{reverse("mentoring:dashboard")}">Your mentees</a>' in page
