"""Delete my account: confirmed, a grace period in which logging in cancels it, then every row and file
that held the learner's name, e-mail address or words is erased; certificates are revoked with a
neutral page; mentors are told; audit entries stay without personal data."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from credentials.models import Certificate
from notifications.models import Email, Notice
from privacy import deletion, exports
from privacy.models import DeletionRequest
from progress.models import Enrolment
from tests.factories import PASSWORD, MentorFactory, StaffFactory, UserFactory

TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb")


def rows_holding(markers: list[str]) -> list[str]:
    """Every text column of every table of the test database that holds one of the markers."""
    patterns = [f"%{marker}%" for marker in markers]
    hits = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s)",
            [list(TEXT_TYPES)],
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT "{column}"::text FROM "{table}" WHERE "{column}"::text ILIKE ANY(%s)',
                [patterns],
            )
            for (value,) in cursor.fetchall():
                found = [marker for marker in markers if marker.casefold() in value.casefold()]
                hits.append(f"{table}.{column} holds {found}: {value[:120]!r}")
    return hits


def files_holding(root: Path, markers: list[str]) -> list[str]:
    hits = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            content = path.read_bytes()
            found = [m for m in markers if m.encode() in content or m.casefold() in name.casefold()]
            if found:
                hits.append(f"{path.relative_to(root)} holds {found}")
    return hits


def verified(user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_deletion(user) -> Client:
    client = logged_in(user)
    response = client.post(reverse("privacy:delete"), {"password": PASSWORD})
    assert response.status_code == 200, response.content
    # The scheduled page, in the person's language (one of these people reads Spanish).
    assert "privacy/deletion_scheduled.html" in [template.name for template in response.templates]
    return client


def erase_due(django_capture_on_commit_callbacks, *, days: int = 15) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return deletion.accounts_erase_due(now=timezone.now() + timedelta(days=days))


def test_after_the_grace_period_nothing_holds_the_learners_name_email_or_words(
    people, settings, django_capture_on_commit_callbacks
):
    ada, olga, mentor = people
    ada.user.__class__.objects.filter(pk=ada.user.pk).update(time_zone="Asia/Tokyo", language="es")
    settings.MEDIA_ROOT = Path(settings.MEDIA_ROOT)
    export, _ = exports.data_export_start(user=ada.user)
    exports.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    certificate = Certificate.objects.get(enrolment__learner=ada.user)
    olgas_certificate = Certificate.objects.get(enrolment__learner=olga.user)
    # An audited change made by the learner through the site (the actor's e-mail and address recorded).
    client = logged_in(ada.user)
    assert client.post(reverse("progress:pause")).status_code == 302
    enrolment = Enrolment.objects.get(learner=ada.user, status="paused")
    assert LogEntry.objects.filter(actor=ada.user, actor_email=ada.email).exists()
    assert rows_holding(ada.markers)  # the scan finds them before
    assert files_holding(settings.MEDIA_ROOT, [ada.texts["file_content"]])

    request_deletion(ada.user)
    assert erase_due(django_capture_on_commit_callbacks, days=13) == 0  # not yet
    assert erase_due(django_capture_on_commit_callbacks) == 1

    assert rows_holding(ada.markers) == []
    assert files_holding(settings.MEDIA_ROOT, ada.markers) == []
    assert not (settings.MEDIA_ROOT / export.file_name).exists()
    # The scan would see them: the other learner's data is all there.
    assert rows_holding(olga.markers)
    assert files_holding(settings.MEDIA_ROOT, [olga.texts["file_content"]])
    # The certificate's public page: revoked, naming nobody.
    page = Client().get(reverse("credentials:verify", args=[certificate.public_id]))
    assert page.status_code == 200
    assert b"This certificate was revoked" in page.content
    assert ada.name.encode() not in page.content
    assert b"Mina Mentorova" not in page.content
    other = Client().get(reverse("credentials:verify", args=[olgas_certificate.public_id]))
    assert olga.name.encode() in other.content
    api = Client().get(reverse("api-certificate-verify", args=[certificate.public_id])).json()
    assert api["status"] == "revoked"
    assert not api["recipient_name"]
    # The mentors are told, without a name; counts and the audit trail stay.
    told = Notice.objects.filter(kind="learner_deleted")
    assert set(told.values_list("recipient", flat=True)) >= {mentor.pk}
    assert "deleted their account" in told.get(recipient=mentor).text
    assert LogEntry.objects.filter(object_pk=str(enrolment.pk), content_type__model="enrolment").exists()
    assert Enrolment.objects.filter(learner=ada.user).count() == 2
    assert not Enrolment.objects.filter(learner=ada.user, status__in=["active", "paused"]).exists()
    ada.user.refresh_from_db()
    assert not ada.user.is_active
    assert not ada.user.has_usable_password()
    assert (ada.user.time_zone, ada.user.language) == ("UTC", "")
    assert DeletionRequest.objects.get(user=ada.user).status == DeletionRequest.Status.ERASED


def test_erasing_twice_erases_once(people, django_capture_on_commit_callbacks):
    ada, _, mentor = people
    request_deletion(ada.user)
    assert erase_due(django_capture_on_commit_callbacks) == 1
    assert erase_due(django_capture_on_commit_callbacks) == 0
    assert Notice.objects.filter(recipient=mentor, kind="learner_deleted").count() == 1


def test_requesting_ends_every_session_and_the_token(learner):
    Token.objects.create(user=learner)
    elsewhere = logged_in(learner)
    assert elsewhere.get(reverse("privacy:data")).status_code == 200
    request_deletion(learner)
    assert elsewhere.get(reverse("privacy:data")).status_code == 302
    assert not Token.objects.filter(user=learner).exists()
    requested = DeletionRequest.objects.get(user=learner)
    assert requested.erase_after - requested.requested_at == timedelta(days=14)
    assert Email.objects.filter(recipient=learner, key=f"deletion-requested:{requested.pk}").count() == 1


def test_logging_in_during_the_grace_period_cancels_it(learner, django_capture_on_commit_callbacks):
    verified(learner)
    request_deletion(learner)
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert b"your account will not be deleted" in response.content
    requested = DeletionRequest.objects.get(user=learner)
    assert requested.status == DeletionRequest.Status.CANCELLED
    assert requested.cancelled_by == DeletionRequest.CancelledBy.LOG_IN
    assert Email.objects.filter(key=f"deletion-cancelled:{requested.pk}").exists()
    assert erase_due(django_capture_on_commit_callbacks) == 0
    learner.refresh_from_db()
    assert learner.is_active
    assert learner.email


def test_a_new_api_token_cancels_it_too(learner):
    verified(learner)
    request_deletion(learner)
    response = Client().post(
        reverse("api-token"), {"email": learner.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 201
    assert DeletionRequest.objects.get(user=learner).status == DeletionRequest.Status.CANCELLED


def test_a_wrong_password_schedules_nothing(learner):
    response = logged_in(learner).post(reverse("privacy:delete"), {"password": "not-it"})
    assert response.status_code == 400
    assert b"That is not your password." in response.content
    assert not DeletionRequest.objects.exists()


def test_an_account_without_a_password_types_the_phrase(db):
    user = UserFactory(username="sso_user")
    user.set_unusable_password()
    user.save()
    client = logged_in(user)
    assert client.post(reverse("privacy:delete"), {"phrase": "delete it"}).status_code == 400
    response = client.post(reverse("privacy:delete"), {"phrase": "  Delete  my ACCOUNT "})
    assert response.status_code == 200
    assert DeletionRequest.objects.filter(user=user, status="pending").exists()


@pytest.mark.parametrize("factory", [MentorFactory, StaffFactory])
def test_staff_and_mentors_are_refused(db, factory):
    user = factory(username="refused")
    client = logged_in(user)
    assert b"closed by an administrator" in client.get(reverse("privacy:delete")).content
    assert client.post(reverse("privacy:delete"), {"password": PASSWORD}).status_code == 403
    api = client.post(reverse("api-my-deletion"), {"password": PASSWORD}, content_type="application/json")
    assert api.status_code == 403
    assert not DeletionRequest.objects.exists()


def test_requesting_twice_is_one_request(learner, rf):
    request = rf.post("/")
    first, created = deletion.deletion_request_create(request=request, user=learner, password=PASSWORD)
    second, created_again = deletion.deletion_request_create(request=request, user=learner, password=PASSWORD)
    assert created
    assert not created_again
    assert first.pk == second.pk


def test_the_api_requests_shows_and_cancels(learner):
    client = logged_in(learner)
    url = reverse("api-my-deletion")
    assert client.get(url).status_code == 404
    assert client.post(url, {"password": "wrong"}, content_type="application/json").status_code == 400
    for hostile in ("\ud800", "\x00", "\u202epassword"):
        assert client.post(url, {"password": hostile}, content_type="application/json").status_code == 400
    created = client.post(url, {"password": PASSWORD}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == "pending"
    # The request ended this session too: cancelling needs a log-in (which cancels it by itself).
    assert client.get(url).status_code in (401, 403)
    learner.refresh_from_db()  # its password's new hash: the session made now is valid
    client.force_login(learner)
    assert client.delete(url).status_code == 404  # the log-in cancelled it already
    assert DeletionRequest.objects.get(user=learner).status == DeletionRequest.Status.CANCELLED


def test_cancel_from_the_page(learner):
    client = logged_in(learner)
    DeletionRequest.objects.create(user=learner, erase_after=timezone.now() + timedelta(days=14))
    page = client.get(reverse("privacy:data"))
    assert b"Your account will be deleted on" in page.content
    response = client.post(reverse("privacy:delete-cancel"), follow=True)
    assert b"Your account will not be deleted." in response.content
    assert DeletionRequest.objects.get(user=learner).status == DeletionRequest.Status.CANCELLED


def test_the_learners_sessions_are_deleted_at_the_erasure(learner, django_capture_on_commit_callbacks):
    request_deletion(learner)
    logged_in(learner)  # a session the request did not end (force_login here also cancels: put it back)
    DeletionRequest.objects.filter(user=learner).update(status="pending", cancelled_at=None, cancelled_by="")
    learner.last_login = None
    learner.save(update_fields=["last_login"])
    assert Session.objects.count() >= 1
    assert erase_due(django_capture_on_commit_callbacks) == 1
    sessions = [session.get_decoded().get("_auth_user_id") for session in Session.objects.all()]
    assert str(learner.pk) not in sessions
