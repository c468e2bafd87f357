"""The projects API: the loop by script, with field messages for bad input and 404 for others' work."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from projects.models import Version
from tests.projects.conftest import WEEK, project


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api():
    return APIClient()


def test_briefs_are_public_with_their_rubrics(api, db):
    body = api.get("/api/v1/projects/").json()
    weeks = [item["week"] for item in body["results"]]
    assert {21, 22, 38, 51, 52} <= set(weeks)
    brief = api.get(f"/api/v1/projects/{project().pk}/").json()
    lowest = brief["criteria"][0]["levels"][0]
    assert (lowest["label"], lowest["min_points"], lowest["max_points"]) == ("Missing", 0, 2)


def test_the_loop_by_script(api, learner, mentor, other_learner, enrolment):
    api.force_authenticate(learner)
    created = api.post(
        "/api/v1/me/project-versions/",
        {"project": project().pk, "repository_url": "https://github.com/a/b"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    version_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    bad = api.patch(f"/api/v1/me/project-versions/{version_id}/", {"commit": "nope nope"}, format="json")
    assert bad.status_code == 400
    assert "commit" in bad.json()
    api.patch(
        f"/api/v1/me/project-versions/{version_id}/", {"commit": "v1.0", "report": "# R"}, format="json"
    )
    upload = api.post(
        f"/api/v1/me/project-versions/{version_id}/attachments/",
        {"file": SimpleUploadedFile("plot.png", b"\x89PNG....")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.json()
    refused = api.post(
        f"/api/v1/me/project-versions/{version_id}/attachments/",
        {"file": SimpleUploadedFile("x.html", b"<script>")},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "not an allowed type" in refused.json()["file"][0]
    submitted = api.post(f"/api/v1/me/project-versions/{version_id}/submit/")
    assert submitted.json()["status"] == "submitted"
    assert api.post(f"/api/v1/me/project-versions/{version_id}/submit/").status_code == 400

    api.force_authenticate(other_learner)
    assert api.get(f"/api/v1/me/project-versions/{version_id}/").status_code == 404

    api.force_authenticate(mentor)
    queue = api.get("/api/v1/mentor/project-queue/").json()
    assert [item["version"]["id"] for item in queue] == [version_id]
    assert queue[0]["overdue"] is False
    criteria = list(project().criteria.all())
    scores = [{"criterion": c.pk, "level": c.levels.all()[3].pk, "points": 10} for c in criteria]
    outside = [{**scores[0], "points": 3}, *scores[1:]]
    response = api.post(
        f"/api/v1/mentor/project-versions/{version_id}/review/",
        {"decision": "accepted", "comment": "Good.", "scores": outside},
        format="json",
    )
    assert response.status_code == 400
    assert "3 is outside" in response.json()["scores"][0]
    response = api.post(
        f"/api/v1/mentor/project-versions/{version_id}/review/",
        {"decision": "accepted", "comment": "Good.", "scores": scores},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["total_points"] == 40
    versions = api.get(f"/api/v1/mentor/learners/{enrolment.pk}/project-versions/").json()["results"]
    assert versions[0]["review"]["decision"] == "accepted"
    assert Version.objects.get().status == "accepted"
    assert versions[0]["week"] == WEEK


def test_api_lists_take_a_constant_number_of_queries(api, learner, mentor, enrolment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory
    from tests.projects.conftest import enrol_with, review, submit

    def counts() -> list[int]:
        result = []
        for user, url in [
            (None, "/api/v1/projects/"),
            (learner, "/api/v1/me/project-versions/"),
            (mentor, "/api/v1/mentor/project-queue/"),
            (mentor, f"/api/v1/mentor/learners/{enrolment.pk}/project-versions/"),
        ]:
            api.force_authenticate(user)
            with CaptureQueriesContext(connection) as captured:
                assert api.get(url).status_code == 200, url
            result.append(len(captured))
        return result

    review(mentor, submit(learner), decision="changes_requested")
    waiting = UserFactory()
    enrol_with(waiting, mentor)
    submit(waiting)
    counts()  # warm: the users' roles are read once per user object
    before = counts()
    submit(learner, commit="v2.0")
    for n in range(3):
        other = UserFactory()
        enrol_with(other, mentor)
        submit(other, commit=f"abc123{n}")
    after = counts()
    assert after == before
    assert max(after) <= 10
