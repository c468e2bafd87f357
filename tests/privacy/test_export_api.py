"""The export's API: the same services as the page (start, status, download once), only one's own."""

import io
import re
import time
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Email
from privacy.models import DataExport
from tests.factories import UserFactory

LINK = re.compile(r"/my/data/export/download/([A-Za-z0-9_-]+)/")


def api_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_start_follow_and_download_once(learner, other_learner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_client(learner)
    started = client.post(reverse("api-my-data-exports"))
    assert started.status_code == 201
    assert started.json()["status"] == "queued"
    again = client.post(reverse("api-my-data-exports"))
    assert again.status_code == 200
    assert again.json()["id"] == started.json()["id"]
    export_id = started.json()["id"]

    from privacy.exports import data_export_build

    assert data_export_build(export_id=export_id)
    status = client.get(reverse("api-my-data-export", args=[export_id])).json()
    assert status["status"] == "ready"
    assert status["progress"] == 100
    assert client.get(reverse("api-my-data-exports")).json()["results"][0]["id"] == export_id
    assert api_client(other_learner).get(reverse("api-my-data-export", args=[export_id])).status_code == 404

    token = LINK.search(Email.objects.get(key=f"data-export:{export_id}").text).group(1)  # type: ignore[union-attr]
    url = reverse("api-my-data-export-download")
    assert (
        api_client(other_learner).post(url, {"token": token}, content_type="application/json").status_code
        == 404
    )
    response = client.post(url, {"token": token}, content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "account.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    replay = client.post(url, {"token": token}, content_type="application/json")
    assert replay.status_code == 410
    assert "used already" in replay.json()["detail"]


@pytest.mark.parametrize(
    "body", [{}, {"token": ""}, {"token": "x" * 500}, {"token": 5}, {"token": "\ud800\x00"}]
)
def test_bad_download_requests_are_refused_plainly(learner, body):
    response = api_client(learner).post(
        reverse("api-my-data-export-download"), body, content_type="application/json"
    )
    assert response.status_code in (400, 404)


def test_the_schema_documents_the_endpoints(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/me/data-exports/",
        "/api/v1/me/data-exports/{id}/",
        "/api/v1/me/data-exports/download/",
    ):
        assert path in schema


def test_a_real_worker_builds_the_export(celery_worker, settings, tmp_path):
    """The wiring: the API's start queues the task after commit, a worker on Redis builds it."""
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="worker_learner", email="worker@example.org")
    client = api_client(user)
    export_id = client.post(reverse("api-my-data-exports")).json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if DataExport.objects.get(pk=export_id).status == DataExport.Status.READY:
            break
        time.sleep(0.2)
    export = DataExport.objects.get(pk=export_id)
    assert export.status == DataExport.Status.READY
    assert Email.objects.filter(key=f"data-export:{export_id}").count() == 1
