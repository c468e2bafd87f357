"""The staff API of cohorts and invitations: the same services as admin; bad input is a 400 naming
the field, never a 500; nobody but staff gets in."""

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from cohorts.models import Cohort
from invitations.models import Invitation
from notifications.models import Email
from tests.outbox import outbox_sent_here


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def test_staff_create_a_cohort_and_read_it(api, mentor):
    response = api.post(
        "/api/v1/cohorts/",
        {
            "name": "Autumn",
            "start_date": "2027-01-04",
            "pace": "0.75",
            "timezone": "Asia/Tokyo",
            "mentors": [mentor.email],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["mentors"] == [{"id": mentor.pk, "name": mentor.display_name, "email": mentor.email}]
    assert body["pace"] == "0.75"
    detail = api.get(f"/api/v1/cohorts/{body['id']}/").json()
    assert detail["summary"]["total"] == 0
    again = api.post("/api/v1/cohorts/", {"name": "Autumn", "start_date": "2027-01-04"}, format="json")
    assert again.status_code == 400
    assert "name" in again.json()


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "start_date": "2027-02-30"},
        {"name": "X", "start_date": "2027-01-04", "pace": "3"},
        {"name": "X", "start_date": "2027-01-04", "timezone": "Mars/Olympus"},
        {"name": "X", "start_date": "2027-01-04", "mentors": ["nobody@example.org"]},
        {"name": "", "start_date": "2027-01-04"},
        {"name": "X" * 151, "start_date": "2027-01-04"},
        {"name": "X\u202egpj.exe", "start_date": "2027-01-04"},
        {"name": "X\u0000", "start_date": "2027-01-04"},
    ],
)
def test_bad_cohorts_are_refused(api, body):
    response = api.post("/api/v1/cohorts/", body, format="json")
    assert response.status_code == 400
    assert not Cohort.objects.filter(name__startswith="X").exists()


def test_invite_resend_revoke_over_the_api(api, cohort, mentor):
    with outbox_sent_here():
        created = api.post(
            "/api/v1/invitations/",
            {"name": "Linus", "email": "linus@example.org", "cohort": cohort.pk, "mentor": mentor.email},
            format="json",
        )
    assert created.status_code == 201, created.json()
    invitation_id = created.json()["id"]
    assert created.json()["state"] == "Pending"
    assert len(mail.outbox) == 1

    twice = api.post(
        "/api/v1/invitations/", {"email": "LINUS@example.org", "cohort": cohort.pk}, format="json"
    )
    assert twice.status_code == 200
    assert twice.json()["id"] == invitation_id
    assert Email.objects.filter(kind="invitation").count() == 1

    members = api.get(f"/api/v1/cohorts/{cohort.pk}/members/").json()["results"]
    assert [(m["email"], m["mentor"], m["start_date"]) for m in members] == [
        ("linus@example.org", mentor.pk, cohort.start_date.isoformat())
    ]
    standings = api.get(f"/api/v1/cohorts/{cohort.pk}/standings/").json()["results"]
    assert standings[0]["state"] == "not_started"
    assert api.get(f"/api/v1/cohorts/{cohort.pk}/").json()["summary"]["counts"]["not_started"] == 1

    resent = api.post(f"/api/v1/invitations/{invitation_id}/resend/")
    assert resent.status_code == 200
    assert resent.json()["sent_count"] == 2
    revoked = api.post(f"/api/v1/invitations/{invitation_id}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    refused = api.post(f"/api/v1/invitations/{invitation_id}/revoke/")
    assert refused.status_code == 400
    assert "revoked already" in str(refused.json())
    listed = api.get("/api/v1/invitations/", {"cohort": cohort.pk, "status": "revoked"}).json()
    assert [row["id"] for row in listed["results"]] == [invitation_id]
    assert api.get("/api/v1/invitations/", {"cohort": "x"}).json()["results"] == []
    assert api.post("/api/v1/invitations/999999/resend/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nul\x00@example.org"}, "email"),
        ({"name": "Evil\u202egpj.exe", "email": "e@example.org"}, "name"),
        ({"email": "e@example.org", "mentor": "nobody@example.org"}, "mentor"),
        ({"email": "not an address"}, "email"),
        ({"email": "e@example.org", "cohort": 999999}, "cohort"),
        ({"email": "e@example.org", "cohort": "x"}, "cohort"),
        ({"email": ["e@example.org"]}, "email"),
        ({"email": "e@example.org", "name": "n" * 151}, "name"),
    ],
)
def test_hostile_invitations_are_refused_by_field(api, cohort, body, field):
    response = api.post("/api/v1/invitations/", {"cohort": cohort.pk, **body}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Invitation.objects.exists()
    assert not Email.objects.exists()


def test_a_json_body_with_a_lone_surrogate_escape_is_refused(api, cohort):
    raw = '{"email": "a\\udc80@example.org", "cohort": ' + str(cohort.pk) + "}"
    response = api.post("/api/v1/invitations/", raw, content_type="application/json")
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_mentors_and_learners_get_no_staff_api(client, mentor, learner, cohort):
    for user in (mentor, learner):
        client.force_login(user)
        for url in ("/api/v1/cohorts/", f"/api/v1/cohorts/{cohort.pk}/", "/api/v1/invitations/"):
            assert client.get(url).status_code == 403


def test_the_schema_documents_the_endpoints(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/cohorts/{cohort_id}/standings/", "/api/v1/invitations/{invitation_id}/revoke/"):
        assert re.search(re.escape(path), schema)
