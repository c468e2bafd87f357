"""The attachment `url` the API gives works with the API's token alone (no session), as documented:
the learner, their mentor and staff download the file; anyone else gets a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from projects import services
from tests.projects.conftest import project


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.mark.django_db
def test_the_attachment_url_downloads_with_a_token_and_no_session(learner, mentor, other_learner, enrolment):
    draft = services.draft_save(
        learner=learner, project=project(), repository_url="https://github.com/a/b", commit="abc1234",
        report="r",
    )  # fmt: skip
    learner_api = token_client(learner)
    uploaded = learner_api.post(
        f"/api/v1/me/project-versions/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("results.csv", b"a,b\n1,2\n")},
    )
    assert uploaded.status_code == 201, uploaded.content
    url = uploaded.json()["url"]
    listed = learner_api.get(f"/api/v1/me/project-versions/{draft.pk}/").json()["attachments"][0]["url"]
    assert listed == url

    for user in (learner, mentor):
        response = token_client(user).get(url, HTTP_ACCEPT="application/octet-stream")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
        assert response["Content-Type"] == "application/octet-stream"
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
    assert token_client(other_learner).get(url).status_code == 404
    assert Client().get(url).status_code == 401
