"""Download my data: the zip holds every kind of the learner's data and nobody else's; the link is
e-mailed once, works once, only for its user, and expires; the sweep deletes the files."""

import io
import json
import re
import threading
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Email
from privacy import exports
from privacy.archive import KINDS, SOURCES
from privacy.models import DataExport

LINK = re.compile(r"/my/data/export/download/([A-Za-z0-9_-]+)/")


def built(user) -> tuple[DataExport, str]:
    """Start and build the user's export as the task does; returns it with the e-mailed link's token."""
    export, created = exports.data_export_start(user=user)
    assert created
    assert exports.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    email = Email.objects.get(key=f"data-export:{export.pk}")
    match = LINK.search(email.text)
    assert match, email.text
    return export, match.group(1)


def zip_of(export: DataExport) -> zipfile.ZipFile:
    with default_storage.open(export.file_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def everything_in(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_sources_give_exactly_the_listed_kinds(people):
    ada, _, _ = people
    kinds = [kind for source in SOURCES for kind in source.export(ada.user).records]
    assert kinds == list(KINDS)


def test_the_zip_holds_each_kind_of_the_learners_data(people):
    ada, _, _ = people
    export, _ = built(ada.user)
    archive = zip_of(export)
    names = set(archive.namelist())
    assert {f"{kind}.json" for kind in KINDS} <= names
    data = {kind: json.loads(archive.read(f"{kind}.json")) for kind in KINDS}
    texts = ada.texts

    assert data["account"]["email"] == ada.email
    assert data["account"]["display_name"] == ada.name
    assert data["account"]["time_zone"] == ada.user.time_zone
    assert data["account"]["weekly_emails"] == {"weekday": 0, "hour": 8}
    assert data["account"]["api_token"]["created"]
    assert "key" not in json.dumps(data["account"]["api_token"])
    statuses = sorted(enrolment["status"] for enrolment in data["enrolments"])
    assert statuses == ["active", "completed"]  # the earlier enrolment too
    assert texts["notes"] in [row["notes"] for row in data["progress"]]
    submissions = data["quizzes"]["submissions"]
    assert len(submissions) == 2  # the earlier enrolment's attempt too
    answers = [answer for submission in submissions for answer in submission["answers"]]
    free = next(answer for answer in answers if answer["answer"] == texts["answer"])
    assert free["feedback"] == texts["feedback"]
    assert free["reviewed_by"] == "Mina Mentorova"
    assert data["quizzes"]["results"]["quizzes_taken"] >= 1
    [version] = data["projects"]
    assert version["report"] == texts["report"]
    assert version["repository_url"] == texts["repository"]
    assert version["review"]["decision"] == "accepted"
    assert version["review"]["scores"]
    [attachment] = version["attachments"]
    assert archive.read(attachment["file"]).decode() == texts["file_content"]
    bodies = [message["body"] for message in data["feedback"]["weeks"]]
    assert "Good start." in bodies
    assert texts["reply"] in bodies
    assert data["feedback"]["phase_reviews"][0]["comments"] == "Redo week 1."
    [card] = data["cards"]["cards"]
    assert card["reviews"]
    assert data["cards"]["settings"]["desired_retention"] == 0.85
    assert data["notices"]["notices"]
    assert data["notices"]["preferences"] == [{"kind": "week_feedback", "delivery": "digest"}]
    assert any(email["kind"] == "certificate_issued" for email in data["notices"]["emails"])
    [certificate] = data["certificates"]["certificates"]
    assert certificate["recipient_name"] == ada.name
    assert archive.read(certificate["pdf"]).startswith(b"%PDF")
    assert data["certificates"]["portfolio"]["headline"] == texts["headline"]
    assert data["certificates"]["portfolio"]["projects"][0]["summary"] == texts["summary"]
    assert data["certificates"]["endorsements"][0]["text"] == texts["endorsement"]
    manifest = json.loads(archive.read("manifest.json"))
    assert set(manifest["files"]) == {attachment["file"], certificate["pdf"]}
    assert not manifest["missing_files"]


def test_the_zip_holds_nobody_elses_data(people):
    ada, olga, _ = people
    export, _ = built(ada.user)
    content = everything_in(zip_of(export))
    for marker in olga.markers:
        assert marker not in content
    # The mentor's words to the learner are the learner's to take; the mentor's address is not.
    assert ada.texts["feedback"] in content
    assert "Mina Mentorova" in content
    others = list(type(ada.user).objects.exclude(pk=ada.user.pk).values_list("email", flat=True))
    for address in others:
        assert address not in content


def test_the_link_is_emailed_once_and_works_once(people):
    ada, _, _ = people
    export, token = built(ada.user)
    assert not exports.data_export_build(export_id=export.pk)  # a redelivered task does nothing
    assert Email.objects.filter(recipient=ada.user, kind="data_export_ready").count() == 1
    client = Client()
    client.force_login(ada.user)
    url = reverse("privacy:export-download", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert b"works once" in page.content
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "account.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    again = client.post(url)
    assert again.status_code == 410
    assert b"used already" in again.content
    assert client.get(url).status_code == 410


def test_the_link_expires_and_the_sweep_deletes_the_file(people, settings):
    ada, _, _ = people
    export, token = built(ada.user)
    assert export.expires_at - export.ready_at == timedelta(hours=settings.DATA_EXPORT_LINK_HOURS)
    later = export.expires_at + timedelta(seconds=1)
    with pytest.raises(exports.LinkRefused) as refused:
        exports.data_export_download(user=ada.user, token=token, now=later)
    assert refused.value.status == 410
    assert default_storage.exists(export.file_name)
    assert exports.data_exports_sweep(now=later)["deleted"] == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED
    assert not default_storage.exists(export.file_name)


def test_a_downloaded_zip_is_deleted_by_the_sweep(people):
    ada, _, _ = people
    export, token = built(ada.user)
    exports.data_export_download(user=ada.user, token=token)
    assert exports.data_exports_sweep()["deleted"] == 0  # the download may still be streaming
    assert exports.data_exports_sweep(now=timezone.now() + exports.DOWNLOAD_GRACE)["deleted"] == 1
    assert not default_storage.exists(export.file_name)


def test_another_users_link_is_not_found_and_not_used_up(people):
    ada, olga, _ = people
    _, token = built(ada.user)
    client = Client()
    client.force_login(olga.user)
    url = reverse("privacy:export-download", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(ada.user)
    assert client.post(url).status_code == 200


def test_a_visitor_is_sent_to_log_in_first(people):
    ada, _, _ = people
    _, token = built(ada.user)
    response = Client().get(reverse("privacy:export-download", args=[token]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("token", ["x" * 101, "nope", "%00", "a\u202eb", "\u00e9t\u00e9"])
def test_hostile_links_are_refused_plainly(learner, token):
    client = Client()
    client.force_login(learner)
    url = reverse("privacy:export-download", args=["placeholder"]).replace("placeholder", token)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_a_second_start_while_preparing_is_the_same_export(people):
    ada, _, _ = people
    first, created = exports.data_export_start(user=ada.user)
    second, created_again = exports.data_export_start(user=ada.user)
    assert created
    assert not created_again
    assert first.pk == second.pk


def test_a_new_export_replaces_a_ready_ones_link(people):
    ada, _, _ = people
    old, token = built(ada.user)
    exports.data_export_start(user=ada.user)
    with pytest.raises(exports.LinkRefused) as refused:
        exports.data_export_download(user=ada.user, token=token)
    assert refused.value.status == 404  # the old link's hash is gone with it
    old.refresh_from_db()
    assert old.status == DataExport.Status.EXPIRED


def test_the_page_shows_the_progress_while_preparing(people):
    ada, _, _ = people
    client = Client()
    client.force_login(ada.user)
    assert client.post(reverse("privacy:export-start")).status_code == 302
    export = DataExport.objects.get(user=ada.user)
    DataExport.objects.filter(pk=export.pk).update(
        status="building", progress=40, stage="Collecting your notices"
    )
    page = client.get(reverse("privacy:data"))
    assert page.status_code == 200
    assert b'<progress id="export-progress" max="100" value="40">' in page.content
    assert b"data-export-poll" in page.content
    assert b"Collecting your notices" in page.content
    exports.data_export_requeue(export_id=export.pk)
    assert exports.data_export_build(export_id=export.pk)
    fragment = client.get(reverse("privacy:export-status"))
    assert b"data-export-poll" not in fragment.content
    assert b"We e-mailed you a download link" in fragment.content


def test_a_build_left_by_a_dead_worker_is_queued_again(people):
    ada, _, _ = people
    export, _ = exports.data_export_start(user=ada.user)
    long_ago = timezone.now() - exports.STALE_BUILD - timedelta(minutes=1)
    DataExport.objects.filter(pk=export.pk).update(status="building", started_at=long_ago, attempts=1)
    assert not exports.data_export_build(export_id=export.pk, now=long_ago + timedelta(minutes=1))
    exports.data_exports_sweep(now=timezone.now() + exports.QUEUE_WAIT)
    export.refresh_from_db()
    assert export.status == DataExport.Status.QUEUED
    assert exports.data_export_build(export_id=export.pk)


def test_two_simultaneous_starts_make_one_export(pg, django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    user = django_user_model.objects.create_user(username="twice", email="twice@example.org", password="x")
    barrier = threading.Barrier(2)
    results = []

    def start() -> None:
        from django.db import connection as thread_connection

        barrier.wait()
        try:
            results.append(exports.data_export_start(user=user))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created for _, created in results) == [False, True]
    assert DataExport.objects.filter(user=user).count() == 1
