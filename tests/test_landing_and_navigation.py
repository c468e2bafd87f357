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
        "AI/ML Curriculum", "Curriculum", "Dashboard", "Schedule", "Progress", "Settings", "Log out",
    ]  # fmt: skip
    client.force_login(mentor)
    assert menu(client) == ["AI/ML Curriculum", "Curriculum", "Settings", "Mentees", "Log out"]
    client.force_login(staff)
    assert menu(client) == ["AI/ML Curriculum", "Curriculum", "Settings", "Mentees", "Admin", "Log out"]
    # A mentor who follows the curriculum too has both.
    enrolment_create(learner=mentor, start_date=date.today())
    client.force_login(mentor)
    assert menu(client) == [
        "AI/ML Curriculum", "Curriculum", "Dashboard", "Schedule", "Progress", "Settings", "Mentees",
        "Log out",
    ]  # fmt: skip
    client.logout()
    assert menu(client) == ["AI/ML Curriculum", "Curriculum", "Log in", "Sign up"]


def settings_menu(page: str) -> list[tuple[str, bool]]:
    """The settings pages' own menu: (address, whether it is the page shown), in order."""
    nav = re.search(r'<nav class="settings-nav".*?</nav>', page, re.S).group(0)
    return [(href, "aria-current" in rest) for href, rest in re.findall(r'<a href="([^"]+)"([^>]*)>', nav)]


LEARNERS_SETTINGS = ["progress:settings", "account_preferences", "notifications:preferences"]
ACCOUNT_PAGES = ["account_change_password", "account_email", "socialaccount_connections", "mfa_index"]


@pytest.mark.django_db
def test_one_settings_entry_leads_to_every_settings_page(client, learner, mentor):
    """Settings, Preferences and the notice preferences were three places; the header's one Settings
    leads to a page that names them all, and each of them (at its old address) shows the same menu."""
    enrolment_create(learner=learner, start_date=date.today())
    client.force_login(learner)
    header = client.get(reverse("curriculum:overview")).content.decode()
    hub_url = reverse("account_settings")
    assert f'<a href="{hub_url}">Settings</a>' in header
    hub = client.get(hub_url)
    assert hub.status_code == 200
    page = hub.content.decode()
    for name in [*LEARNERS_SETTINGS, *ACCOUNT_PAGES, "privacy:data"]:
        assert f'href="{reverse(name)}"' in page, name
    expected = [hub_url, *(reverse(name) for name in LEARNERS_SETTINGS + ACCOUNT_PAGES)]
    for url in expected:
        shown = client.get(url)
        assert shown.status_code == 200, url
        assert settings_menu(shown.content.decode()) == [(href, href == url) for href in expected]
    # Not a learner: no learning settings, the rest alike.
    client.force_login(mentor)
    page = client.get(hub_url).content.decode()
    assert f'href="{reverse("progress:settings")}"' not in page
    assert f'href="{reverse("notifications:preferences")}"' in page
    assert [href for href, _ in settings_menu(page)] == [
        hub_url,
        *(reverse(name) for name in LEARNERS_SETTINGS[1:] + ACCOUNT_PAGES),
    ]


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


@pytest.mark.django_db
def test_the_data_page_leads_back_to_the_settings_everyone_has(client, mentor):
    """The settings page names it for everyone; its way back led to the learning settings, which send
    a mentor who is no learner to the enrolment form."""
    client.force_login(mentor)
    page = client.get(reverse("privacy:data")).content.decode()
    assert f'<a href="{reverse("account_settings")}">Back to settings</a>' in page
