"""The certificate's lifecycle (credentials/lifecycle.py): the table, its README copy, and each move as
the learner, staff and the system make it — awaiting the name, confirming it, revoking (the learner is
told, once), reissuing after a name change (the old one links to the new)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from credentials import services
from credentials.lifecycle import CERTIFICATE, REISSUED_REASON
from credentials.models import Certificate
from lms.lifecycle import readme_section
from notifications.models import Email, Notice
from tests.credentials.conftest import sign_off

ROOT = Path(django_settings.BASE_DIR)


def test_the_readme_carries_the_table_as_the_code_has_it():
    text = (ROOT / "credentials" / "README.md").read_text()
    assert readme_section(text, name="certificate") == CERTIFICATE.readme_block()


def test_every_state_and_move_is_decided_with_words():
    for state in CERTIFICATE.states:
        for move in CERTIFICATE.moves:
            reason = CERTIFICATE.refusal(state=state, move=move.name)
            assert (reason is None) == (state in move.sources)
            assert reason is None or "{" not in reason
    assert CERTIFICATE.refusal(state="revoked", move="issue_again", actor="learner") is not None


def test_nothing_but_the_services_writes_a_certificates_state():
    """The state and the columns that go with it are written by credentials/services.py only: no other
    module (of those that know certificates) assigns them or passes them to update/create."""
    fields = {"state", "revoked_at", "revoked_by", "revocation_reason", "recipient_name", "issued_at"}
    writers = {"update", "create", "update_or_create", "get_or_create", "bulk_update"}
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"tests", "wip", ".venv", "bench"} or "migrations" in relative.parts:
            continue
        text = path.read_text()
        if relative == Path("credentials/services.py") or "Certificate" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Attribute) and t.attr in fields for t in targets):
                offenders.append(f"{relative}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in writers
                and {keyword.arg for keyword in node.keywords} & fields
            ):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


@pytest.fixture
def nameless(learner, mentor, mentee):
    """The mentee without a name: their sign-off's certificate awaits it."""
    type(learner).objects.filter(pk=learner.pk).update(name="", first_name="", last_name="")
    mentee.learner.refresh_from_db()
    learner.refresh_from_db()
    return mentee


@pytest.mark.django_db
def test_a_learner_with_a_name_is_issued_at_once(certificate):
    assert certificate.state == "issued"
    assert certificate.recipient_name == "Ada Lovelace"
    assert certificate.signed_by_name == "Grace Hopper"


@pytest.mark.django_db
def test_a_nameless_learners_certificate_awaits_their_name_and_they_are_told(
    client, learner, mentor, nameless
):
    certificate = sign_off(nameless, 1, by=mentor)
    assert (certificate.state, certificate.recipient_name) == ("awaiting_name", "")
    assert Notice.objects.filter(recipient=learner, key=f"certificate-name:{certificate.pk}").count() == 1
    assert not Email.objects.filter(key=f"certificate-issued:{certificate.pk}").exists()
    client.force_login(learner)
    # No PDF, no credential, no verification page while it waits.
    pdf = client.get(reverse("credentials:pdf", args=[certificate.public_id]))
    assert pdf.status_code == 302
    certificate.refresh_from_db()
    assert not certificate.pdf
    assert Client().get(reverse("credentials:verify", args=[certificate.public_id])).status_code == 404
    # A name that is not one is refused on the form; an empty one too.
    for bad in ("", "Ada\nBcc: x@example.com"):
        response = client.post(reverse("credentials:mine"), {"name": bad})
        assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.state == "awaiting_name"
    response = client.post(reverse("credentials:mine"), {"name": "  Ada   King "})
    assert response.status_code == 302
    certificate.refresh_from_db()
    learner.refresh_from_db()
    assert (certificate.state, certificate.recipient_name) == ("issued", "Ada King")
    assert learner.name == "Ada King"  # their display name now: later certificates are issued at once
    assert Email.objects.filter(key=f"certificate-issued:{certificate.pk}").count() == 1
    page = client.get(reverse("credentials:certificate", args=[certificate.public_id])).content.decode()
    assert "Ada King" in page
    assert "Download the PDF" in page
    second = sign_off(nameless, 2, by=mentor)
    assert (second.state, second.recipient_name) == ("issued", "Ada King")
    with pytest.raises(ValidationError, match="No certificate of yours is waiting"):
        services.certificates_name_confirm(learner=learner, name="Someone Else")


@pytest.mark.django_db
def test_a_confirmed_name_does_not_replace_a_display_name_already_given(learner, mentor, nameless):
    certificate = sign_off(nameless, 1, by=mentor)
    type(learner).objects.filter(pk=learner.pk).update(name="Ada")
    learner.refresh_from_db()
    services.certificates_name_confirm(learner=learner, name="Ada Lovelace")
    learner.refresh_from_db()
    certificate.refresh_from_db()
    assert (learner.name, certificate.recipient_name) == ("Ada", "Ada Lovelace")


@pytest.mark.django_db
def test_revoking_tells_the_learner_once_and_a_second_revoke_is_refused(client, staff, certificate):
    client.force_login(staff)
    url = reverse("credentials:revoke", args=[certificate.public_id])
    assert client.post(url, {"reason": "Copied work."}).status_code == 302
    notices = Notice.objects.filter(kind="certificate_revoked", recipient=certificate.enrolment.learner)
    assert [notice.text for notice in notices] == [
        f"Your certificate “{certificate.title}” was revoked: Copied work."
    ]
    email = Email.objects.get(kind="certificate_revoked")
    assert "Copied work." in email.text
    assert "Hello Ada Lovelace," in email.text
    response = client.post(url, {"reason": "Again."})
    assert response.status_code == 400
    assert "revoked already" in response.content.decode()
    assert Notice.objects.filter(kind="certificate_revoked").count() == 1
    assert Email.objects.filter(kind="certificate_revoked").count() == 1


@pytest.mark.django_db
def test_a_name_change_offers_the_learner_a_reissue_linked_from_the_old(client, learner, mentor, certificate):
    client.force_login(learner)
    page_url = reverse("credentials:certificate", args=[certificate.public_id])
    assert "Reissue with" not in client.get(page_url).content.decode()
    reissue = reverse("credentials:reissue", args=[certificate.public_id])
    assert client.post(reissue).status_code == 409  # the same name: nothing to reissue
    learner.name = "Ada King"
    learner.save(update_fields=["name"])
    assert "Reissue with “Ada King”" in client.get(page_url).content.decode()
    assert "Your name has changed since this certificate was issued" in (
        client.get(reverse("credentials:mine")).content.decode()
    )
    response = client.post(reissue)
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.state == "revoked"
    assert certificate.revocation_reason == REISSUED_REASON
    assert certificate.revoked_by == learner
    new = Certificate.objects.get(replaces=certificate)
    assert response["Location"] == reverse("credentials:certificate", args=[new.public_id])
    assert (new.state, new.recipient_name, new.signed_by_name) == ("issued", "Ada King", "Grace Hopper")
    old_page = Client().get(reverse("credentials:verify", args=[certificate.public_id])).content.decode()
    assert "This certificate was revoked" in old_page
    assert reverse("credentials:verify", args=[new.public_id]) in old_page
    # A reissue is not a revocation the learner must be warned of: they are told of the new one.
    assert not Notice.objects.filter(kind="certificate_revoked").exists()
    assert Notice.objects.filter(key=f"certificate-issued:{new.pk}").count() == 1
    # The old one is revoked: only staff may issue it again (and it has been, already).
    assert client.post(reissue).status_code == 409


@pytest.mark.django_db
def test_only_the_learner_and_staff_reissue(mentor, other_learner, staff, certificate):
    for stranger in (mentor, other_learner):
        with pytest.raises(PermissionDenied):
            services.certificate_reissue(certificate=certificate, by=stranger)
    new = services.certificate_reissue(certificate=certificate, by=staff)
    certificate.refresh_from_db()
    assert (certificate.state, certificate.revocation_reason, new.replaces_id) == (
        "revoked", REISSUED_REASON, certificate.pk,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="issued again already"):
        services.certificate_reissue(certificate=certificate, by=staff)


@pytest.mark.django_db
def test_staff_see_a_certificate_awaiting_its_name_and_may_revoke_it(client, staff, mentor, nameless):
    certificate = sign_off(nameless, 1, by=mentor)
    client.force_login(staff)
    page = client.get(reverse("credentials:certificate", args=[certificate.public_id])).content.decode()
    assert "its learner has not confirmed the name to print" in page
    with pytest.raises(ValidationError, match="not issued yet"):
        services.certificate_reissue(certificate=certificate, by=staff)
    services.certificate_revoke(certificate=certificate, by=staff, reason="Signed off in error.")
    certificate.refresh_from_db()
    assert certificate.state == "revoked"
    with pytest.raises(ValidationError, match="No certificate of yours is waiting"):
        services.certificates_name_confirm(learner=nameless.learner, name="Ada")
