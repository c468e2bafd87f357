"""Text no field can store — a lone surrogate ("\\ud800", which JSON may spell), a NUL — is refused with a
400 naming the field, by the API's parsers and the site's form posts alike (lms.input_checks), before a
view repeats it in a message it cannot encode (the 500s of issue 37) or hands it to the database."""

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from cards.models import Card
from lms.input_checks import unstorable_field
from mentoring.services import mentees_assign
from progress.models import WeekProgress
from progress.services import enrolment_create
from tests.assessments.conftest import make_quiz
from tests.cards.conftest import card_for, graded_attempt
from tests.factories import UserFactory
from tests.projects.conftest import submit

SURROGATE = "\ud800"


def body(data: Any) -> str:
    """JSON as a client may send it: the lone surrogate escaped (`\\ud800`), which is valid JSON."""
    return json.dumps(data)


@pytest.fixture
def world(learner, mentor):
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    version = submit(learner)
    quiz = make_quiz(week=3)
    graded_attempt(learner, quiz)
    card = card_for(learner, quiz)
    return {"enrolment": enrolment, "version": version, "card": card}


def the_seven(world) -> dict[str, tuple[str, str, str, dict[str, Any], str]]:
    """The seven endpoints the probe found answering 500: (role, method, URL, body, field named)."""
    enrolment, version, card = world["enrolment"], world["version"], world["card"]
    return {
        "notice preferences: a delivery": (
            "learner", "PUT", "/api/v1/me/notice-preferences/",
            {"choices": {"week_feedback": SURROGATE}}, "choices",
        ),
        "notice preferences: a kind": (
            "learner", "PUT", "/api/v1/me/notice-preferences/",
            {"choices": {SURROGATE: "in_product"}}, "choices",
        ),
        "project review decision": (
            "mentor", "POST", f"/api/v1/mentor/project-versions/{version.pk}/review/",
            {"decision": SURROGATE, "comment": "Fine.", "scores": []}, "decision",
        ),
        "phase review decision": (
            "mentor", "POST", f"/api/v1/mentor/learners/{enrolment.pk}/phases/1/review/",
            {"decision": SURROGATE}, "decision",
        ),
        "progress status": (
            "learner", "PATCH", "/api/v1/me/progress/3/", {"status": SURROGATE}, "status",
        ),
        "enrolment time zone": (
            "newcomer", "POST", "/api/v1/me/enrolment/",
            {"start_date": str(timezone.now().date()), "timezone": SURROGATE}, "timezone",
        ),
        "card rating": (
            "learner", "POST", f"/api/v1/me/cards/{card.pk}/reviews/", {"rating": SURROGATE}, "rating",
        ),
    }  # fmt: skip


@pytest.mark.django_db
def test_a_lone_surrogate_on_each_endpoint_the_probe_found_is_a_400_naming_the_field(world, learner, mentor):
    users = {"learner": learner, "mentor": mentor, "newcomer": UserFactory(username="newcomer")}
    wrong = []
    for name, (role, method, url, data, field) in the_seven(world).items():
        client = Client(raise_request_exception=False)
        client.force_login(users[role])
        response = client.generic(method, url, body(data), content_type="application/json")
        if response.status_code != 400:
            wrong.append(f"{name}: {response.status_code} {response.content[:200]!r}")
            continue
        errors = response.json()
        if field not in errors or "lone surrogate" not in errors[field][0]:
            wrong.append(f"{name}: the field is not named: {errors}")
    assert not wrong, "\n".join(wrong)
    assert not WeekProgress.objects.filter(enrolment=world["enrolment"], week__number=3).exists()
    assert Card.objects.get(pk=world["card"].pk).reviews_count == 0


@pytest.mark.django_db
def test_a_nul_in_json_is_a_400_naming_the_nested_field(learner, client):
    client.force_login(learner)
    response = client.post(
        "/api/v1/submissions/", body({"quiz": 1, "answers": {"7": "a\x00b"}}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["answers"][0].startswith("answers.7: This value contains a NUL character")


@pytest.mark.django_db
def test_a_form_post_with_a_nul_is_a_400_page_naming_the_field_and_saves_nothing(learner, client):
    enrolment_create(learner=learner, start_date=timezone.now().date())
    client.force_login(learner)
    response = client.post(
        "/my/weeks/3/",
        urlencode({"status": "in_progress", "notes": "Read\x00 it"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“notes”" in page
    assert "NUL character" in page
    assert not WeekProgress.objects.filter(enrolment__learner=learner).exists()


@pytest.mark.django_db
def test_a_forged_form_post_is_refused_as_forged_before_its_text_is_looked_at(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post("/my/weeks/3/", {"status": "in_progress", "notes": "\x00"})
    assert response.status_code == 403


def test_the_check_walks_lists_dicts_and_keys_and_passes_good_text():
    assert unstorable_field({"a": ["ok", {"b": "fine \u202e"}]}) is None
    assert unstorable_field({"a": ["ok", {"b": "x\x00"}]}) == ("a.1.b", "a NUL character")
    assert unstorable_field(["ok", "\udfff"])[0] == "1"
    assert unstorable_field({"\x00": 1})[0] == "\\x00"
    assert unstorable_field("\ud800") == ("body", "a lone surrogate (text that is not valid Unicode)")
