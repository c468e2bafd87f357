"""Defence in depth (security finding 9): a Content-Security-Policy on every page with nothing inline
that needs 'unsafe-inline'; nothing personal cached; API responses vary by token; JSON 404s in the API."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import path
from rest_framework.authtoken.models import Token

from progress.services import enrolment_create
from tests.conftest import REPO

PAGES = [
    "/", "/curriculum/", "/curriculum/weeks/3/", "/accounts/login/", "/accounts/signup/", "/dashboard/",
    "/schedule/", "/my/weeks/3/", "/settings/", "/quizzes/week/3/", "/quizzes/submissions/", "/mentoring/",
    "/admin/", "/admin/curriculum/week/", "/admin/curriculum/week/3/change/", "/api/docs/", "/no-such-page/",
]  # fmt: skip


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ") if part}


@pytest.fixture
def staff_learner(staff):
    """Staff, also enrolled: every page of the list answers them with its content."""
    from django.utils import timezone

    enrolment_create(learner=staff, start_date=timezone.now().date())
    return staff


@pytest.mark.django_db
def test_every_page_carries_a_policy_without_unsafe_inline(client, staff_learner):
    client.force_login(staff_learner)
    for url in PAGES:
        response = client.get(url)
        if response.status_code == 302:  # log-in and sign-up: for visitors
            response = Client().get(url)
        assert response.status_code == (404 if url == "/no-such-page/" else 200), url
        policy = policy_of(response)
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], url
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html), url
        assert not re.search(r"\sstyle=", html), url  # style attributes need 'unsafe-inline'
        assert not re.search(r"<style(?![^>]*nonce=)", html), url


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|\sstyle=\"|<style(?![^>]*nonce)|\son[a-z]+=\""
)


def test_no_template_of_a_page_holds_inline_script_style_or_handlers():
    """E-mail templates are not pages (mail clients need inline styles): all others are checked."""
    offenders = []
    for template in REPO.glob("*/templates/**/*.html"):
        if "/email/" in template.as_posix() or ".venv" in template.parts:
            continue
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"{template.relative_to(REPO)}:{number}: {line.strip()[:80]}")
    assert not offenders, "\n".join(offenders)


def boom(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [path("boom/", boom), path("api/boom/", boom)]
handler500 = "lms.views.server_error"  # as lms.urls


@pytest.mark.django_db
def test_the_500_page_keeps_its_style_through_the_nonce(settings):
    from lms import urls

    assert urls.handler500 == handler500
    with override_settings(ROOT_URLCONF="tests.test_security_headers"):
        response = Client(raise_request_exception=False).get("/boom/")
        api = Client(raise_request_exception=False).get("/api/boom/")
    assert response.status_code == 500, response.content.decode()[:300]
    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy_of(response)["style-src"]
    assert api.status_code == 500
    assert api.json() == {"detail": "Server error."}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/dashboard/", "/settings/", "/schedule/", "/mentoring/mentees.csv", "/api/v1/me/"]
)
def test_logged_in_responses_are_private_and_never_stored(client, staff_learner, url):
    client.force_login(staff_learner)
    response = client.get(url)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control, url


@pytest.mark.django_db
def test_token_api_responses_are_private_and_vary_by_authorization(learner):
    from django.utils import timezone

    enrolment_create(learner=learner, start_date=timezone.now().date())
    token = Token.objects.create(user=learner)
    response = Client().get("/api/v1/me/schedule/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]
    public = Client().get("/api/v1/weeks/")
    assert "Authorization" in public["Vary"]
    assert "no-store" not in public.get("Cache-Control", "")


@pytest.mark.django_db
def test_public_pages_may_be_cached(client):
    assert "no-store" not in client.get("/curriculum/").get("Cache-Control", "")


@pytest.mark.django_db
def test_the_calendar_feed_is_cached_five_minutes_at_most(client, learner):
    from django.utils import timezone

    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    response = client.get(f"/calendar/{enrolment.calendar_token}.ics")
    assert response["Cache-Control"] == "private, max-age=300"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/no-such-thing/", "/api/v1/submissions/abc/", "/api/v1/me/progress/x/", "/api/nothing"]
)
def test_unknown_api_paths_are_json_404s(client, learner, url):
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_other_unknown_paths_are_the_sites_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_the_policy_is_django_csp_4s_format():
    assert set(settings.CONTENT_SECURITY_POLICY) == {"DIRECTIVES"}
    assert Path(REPO / "requirements.txt").read_text().count("django-csp==4.") == 1
