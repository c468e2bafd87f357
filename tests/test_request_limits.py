"""Bounded request bodies (lms/request_limits.py, lms/uploads.py): a body larger than its address takes
is refused with a 413 before a byte is read — before CSRF and log-in; a chunked body is read no further
than the limit; an upload's file is stored no further than its limit, in FILE_UPLOAD_TEMP_DIR, and
deleted with the request; files of a process that died are swept."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from lms import uploads
from lms.request_limits import upload_request_max_bytes
from lms.uploads import FILE_PREFIX, sweep_upload_files
from projects import services
from tests.projects.conftest import enrol_with, project

MB = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body nobody may read: the refusal must come from the headers alone."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the request body was read")

    readline = read


class CountingBody(io.BytesIO):
    """A body that remembers how many of its bytes were read."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PROJECT_ATTACHMENT_MAX_BYTES = 3 * MB  # above FILE_UPLOAD_MAX_MEMORY_SIZE: a temporary file
    return tmp_path / "uploads"


@pytest.fixture
def draft(learner, mentor):
    enrol_with(learner, mentor)
    return services.draft_save(
        learner=learner,
        project=project(),
        repository_url="https://github.com/a/b",
        commit="abc1234",
        report="r",
    )


def oversized_post(client: Client, path: str, length: int | str, **extra):
    return client.generic(
        "POST",
        path,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
        **extra,
    )


def test_an_anonymous_oversized_upload_is_refused_before_csrf_and_log_in_read_it():
    """The probe's 200 MB temporary file from a client with nothing but a csrftoken cookie."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = oversized_post(client, reverse("projects:attachment-add", args=[1]), 200 * MB)
    assert response.status_code == 413
    assert response.content.decode() == "The request body is 200.0 MB; this address accepts at most 3.1 MB.\n"
    assert response["Content-Type"].startswith("text/plain")


def test_a_logged_in_oversized_upload_is_refused_before_a_byte_is_read(client, learner, draft):
    client.force_login(learner)
    response = oversized_post(client, reverse("projects:attachment-add", args=[draft.pk]), 400 * MB)
    assert response.status_code == 413


def test_the_api_answers_json(learner, draft):
    token = Token.objects.create(user=learner)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    path = reverse("api-my-project-version-attachments", args=[draft.pk])
    response = oversized_post(client, path, upload_request_max_bytes() + 1)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is 3.1 MB; this address accepts at most 3.1 MB."}


def test_an_address_that_takes_no_upload_takes_no_large_body(client, settings):
    response = oversized_post(client, reverse("account_login"), settings.REQUEST_BODY_MAX_BYTES + 1)
    assert response.status_code == 413
    assert "accepts at most 2.5 MB" in response.content.decode()
    api = oversized_post(client, "/api/v1/auth/token/", 3 * MB)
    assert api.status_code == 413
    assert api.json()["detail"] == "The request body is 3.0 MB; this address accepts at most 2.5 MB."


def test_a_bad_content_length_is_a_400(client):
    response = oversized_post(client, "/api/v1/auth/token/", "many")
    assert response.status_code == 400
    assert response.json() == {"detail": "The Content-Length header is not a number."}


def test_a_chunked_body_is_read_no_further_than_the_limit(client, settings):
    body = CountingBody(b"{" + b" " * (5 * MB) + b"}")
    response = client.generic(
        "POST",
        "/api/v1/auth/token/",
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert response.json()["detail"].endswith("this address accepts at most 2.5 MB.")
    assert body.bytes_read <= settings.REQUEST_BODY_MAX_BYTES + 1


def test_a_chunked_body_within_the_limit_is_the_requests_body(client, learner):
    learner.set_password("a long enough password 1")
    learner.save()
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    content = json.dumps({"email": learner.email, "password": "a long enough password 1"}).encode()
    response = client.generic(
        "POST",
        "/api/v1/auth/token/",
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": CountingBody(content)},
    )
    assert response.status_code == 201, response.content
    assert response.json()["token"] == Token.objects.get(user=learner).key


def multipart(name: str, content: bytes, boundary: str = "b0undary") -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


@pytest.fixture
def temporary_files(monkeypatch):
    """Every temporary upload file the handler opens, with the largest size it reached."""
    opened: list[dict] = []
    real = uploads.tempfile.NamedTemporaryFile

    def spy(*args, **kwargs):
        file = real(*args, **kwargs)
        record = {"path": Path(file.name), "largest": 0}
        opened.append(record)
        write = file.write

        def counting_write(data):
            written = write(data)
            record["largest"] = max(record["largest"], file.tell())
            return written

        file.write = counting_write
        return file

    monkeypatch.setattr(uploads.tempfile, "NamedTemporaryFile", spy)
    return opened


def post_file(client: Client, version_id: int, content: bytes, *, api: bool = False):
    path = (
        reverse("api-my-project-version-attachments", args=[version_id])
        if api
        else reverse("projects:attachment-add", args=[version_id])
    )
    content_type = "multipart/form-data; boundary=b0undary"
    return client.generic("POST", path, data=multipart("results.zip", content), content_type=content_type)


@pytest.mark.parametrize("api", [False, True])
def test_a_file_over_its_limit_is_stored_no_further_and_refused_with_the_usual_message(
    client, learner, draft, temporary_files, upload_dir, api
):
    """The request is within its limit (the file's plus 64 KB), the file is not: writing stops at
    the limit, the temporary file is gone, and the learner reads why."""
    limit = 3 * MB
    client.force_login(learner)
    response = post_file(client, draft.pk, b"z" * (limit + 20_000), api=api)
    if api:
        assert response.status_code == 400
        assert response.json() == {"file": ["“results.zip” is larger than the limit of 3 MB."]}
    else:
        assert response.status_code == 400
        assert "“results.zip” is larger than the limit of 3 MB." in response.content.decode()
    [record] = temporary_files
    assert record["path"].parent == upload_dir
    assert record["path"].name.startswith(f"{FILE_PREFIX}{os.getpid()}-")
    assert 2 * MB < record["largest"] <= limit
    assert not record["path"].exists()
    assert draft.attachments.count() == 0


def test_an_accepted_upload_leaves_no_temporary_file(client, learner, draft, temporary_files, upload_dir):
    client.force_login(learner)
    content = os.urandom(3 * MB - 10)
    response = post_file(client, draft.pk, content, api=True)
    assert response.status_code == 201, response.content
    [record] = temporary_files
    assert record["path"].parent == upload_dir
    assert not record["path"].exists()
    assert list(upload_dir.iterdir()) == []
    assert draft.attachments.get().file.read() == content


def test_the_sweep_deletes_the_files_of_processes_that_are_gone(upload_dir):
    upload_dir.mkdir(exist_ok=True)
    script = "import os; print(os.getpid())"
    dead = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    mine = upload_dir / f"{FILE_PREFIX}{os.getpid()}-abc.upload"
    orphan = upload_dir / f"{FILE_PREFIX}{dead_pid}-def.upload.zip"
    other = upload_dir / "somebody-elses.txt"
    for path in (mine, orphan, other):
        path.write_bytes(b"x")
    assert sweep_upload_files() == [orphan.name]
    assert mine.exists()
    assert other.exists()
    assert sweep_upload_files(pid=os.getpid()) == [mine.name]
    assert other.exists()
    os.utime(other, (0, 0))
    assert sweep_upload_files(older_than=60) == []  # only this module's files
