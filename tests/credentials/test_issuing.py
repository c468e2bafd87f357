"""A mentor's sign-off issues the phase's certificate, once, in the same transaction; the last phase's
sign-off issues the curriculum's too; staff revoke with a reason and issue again."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from credentials import services
from credentials.models import Certificate
from curriculum.models import Phase
from mentoring.models import PhaseReview
from notifications.models import Email, Notice
from tests.credentials.conftest import finish_phase, sign_off


def post_sign_off(client, enrolment, number=1):
    url = reverse("mentoring:phase-review", args=[enrolment.pk, number])
    return client.post(url, {"decision": "signed_off", "comments": ""}, follow=True)


@pytest.mark.django_db
def test_the_sign_off_issues_the_phase_certificate_with_what_it_certifies(client, mentor, mentee):
    finish_phase(mentee, 1)
    client.force_login(mentor)
    post_sign_off(client, mentee)

    certificate = Certificate.objects.get()
    phase = Phase.objects.get(number=1)
    assert certificate.kind == "phase"
    assert certificate.phase == phase
    assert certificate.enrolment == mentee
    assert certificate.title == f"Phase 1: {phase.title}"
    assert (certificate.first_week, certificate.last_week) == (1, 22)
    assert certificate.recipient_name == "Ada Lovelace"
    assert certificate.signed_by == mentor
    assert certificate.signed_by_name == "Grace Hopper"
    assert "week 1:" in certificate.criteria
    assert "week 22:" in certificate.criteria
    assert len(certificate.public_id) == 22
    assert str(certificate.pk) != certificate.public_id
    # The learner is told once, by e-mail and on the dashboard.
    notice = Notice.objects.get(kind="certificate_issued")
    assert notice.recipient == mentee.learner
    assert notice.key == f"certificate-issued:{certificate.pk}"
    assert notice.link == reverse("credentials:certificate", args=[certificate.public_id])
    assert Email.objects.get(kind="certificate_issued").key == notice.key


@pytest.mark.django_db
def test_a_sign_off_posted_twice_issues_one_certificate(client, mentor, mentee):
    finish_phase(mentee, 1)
    client.force_login(mentor)
    post_sign_off(client, mentee)
    second = post_sign_off(client, mentee)

    assert "already signed off" in second.content.decode()
    assert PhaseReview.objects.filter(decision="signed_off").count() == 1
    assert Certificate.objects.count() == 1
    assert Email.objects.filter(kind="certificate_issued").count() == 1


@pytest.mark.django_db
def test_a_sign_off_sent_twice_through_the_api_issues_one_certificate(client, mentor, mentee):
    finish_phase(mentee, 1)
    client.force_login(mentor)
    url = reverse("api-mentee-phase-review", args=[mentee.pk, 1])
    first = client.post(url, {"decision": "signed_off"}, content_type="application/json")
    second = client.post(url, {"decision": "signed_off"}, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 400)
    assert Certificate.objects.count() == 1


@pytest.mark.django_db
def test_issuing_again_for_the_same_sign_off_returns_the_first_certificate(mentor, mentee, certificate):
    """What a retried task or a replayed sign-off would do: the constraint finds the first one."""
    again = services.certificates_issue_for_sign_off(
        enrolment=mentee, phase=certificate.phase, signed_by=mentor
    )
    assert again == []
    assert Certificate.objects.get() == certificate
    assert Email.objects.filter(kind="certificate_issued").count() == 1


@pytest.mark.django_db
def test_a_returned_phase_issues_nothing(client, mentor, mentee):
    client.force_login(mentor)
    url = reverse("mentoring:phase-review", args=[mentee.pk, 1])
    client.post(url, {"decision": "returned", "comments": "Redo week 3."})
    assert PhaseReview.objects.get().decision == "returned"
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_the_certificate_is_in_the_sign_offs_transaction(mentor, mentee, monkeypatch):
    """A certificate that cannot be issued leaves no sign-off behind (nor a sign-off e-mail)."""
    finish_phase(mentee, 1)

    def broken(**kwargs):
        raise RuntimeError("storage on fire")

    monkeypatch.setattr("mentoring.services.certificates_issue_for_sign_off", broken)
    from mentoring.services import phase_review_create

    with pytest.raises(RuntimeError):
        phase_review_create(
            reviewer=mentor, enrolment=mentee, phase=Phase.objects.get(number=1), decision="signed_off"
        )
    assert not PhaseReview.objects.exists()
    assert not Email.objects.exclude(kind__startswith="project").exists()  # the project e-mails came before
    assert not Notice.objects.exclude(kind__startswith="project").exists()


@pytest.mark.django_db
def test_the_last_phase_signed_off_issues_the_curriculum_certificate_once(mentor, mentee):
    sign_off(mentee, 1, by=mentor)
    sign_off(mentee, 2, by=mentor)
    assert not Certificate.objects.filter(kind="curriculum").exists()
    sign_off(mentee, 3, by=mentor)

    whole = Certificate.objects.get(kind="curriculum")
    assert whole.phase is None
    assert (whole.first_week, whole.last_week) == (1, 52)
    assert "52-week" in whole.title
    assert services.certificates_issue_for_sign_off(
        enrolment=mentee, phase=Phase.objects.get(number=3), signed_by=mentor
    ) == []  # fmt: skip
    assert Certificate.objects.filter(kind="curriculum").count() == 1
    assert Email.objects.filter(kind="certificate_issued").count() == 4


@pytest.mark.django_db
def test_staff_revoke_with_a_reason_and_issue_again_as_a_new_certificate(staff, mentor, certificate):
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=certificate, by=mentor, reason="No.")
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, by=staff, reason="   ")
    with pytest.raises(ValidationError):
        services.certificate_reissue(certificate=certificate, by=certificate.enrolment.learner)  # same name

    revoked = services.certificate_revoke(certificate=certificate, by=staff, reason="Plagiarised project.")
    assert revoked.revoked_at is not None
    assert revoked.revoked_by == staff
    with pytest.raises(ValidationError, match="revoked already"):  # refused, never a silent no-op
        services.certificate_revoke(certificate=certificate, by=staff, reason="Another reason.")
    revoked.refresh_from_db()
    assert revoked.revocation_reason == "Plagiarised project."

    new = services.certificate_reissue(certificate=revoked, by=staff)
    assert new.pk != revoked.pk
    assert new.public_id != revoked.public_id
    assert new.replaces == revoked
    assert new.revoked_at is None
    assert (new.phase, new.enrolment, new.signed_by_name) == (
        revoked.phase,
        revoked.enrolment,
        "Grace Hopper",
    )
    with pytest.raises(ValidationError):
        services.certificate_reissue(certificate=revoked, by=staff)  # once


@pytest.mark.django_db
def test_the_revoke_form_needs_a_reason(client, staff, certificate):
    client.force_login(staff)
    url = reverse("credentials:revoke", args=[certificate.public_id])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = client.post(url, {"reason": "Issued by mistake."})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Issued by mistake."


@pytest.mark.django_db(transaction=True)
def test_two_sign_offs_at_once_issue_one_certificate(curriculum_tx, learner, mentor):
    """Two requests signing off the same phase in parallel: one review, one certificate."""
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks")
    from django.utils import timezone

    from mentoring.services import mentees_assign, phase_review_create
    from progress.services import enrolment_create

    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    finish_phase(enrolment, 1)
    phase = Phase.objects.get(number=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign() -> None:
        try:
            barrier.wait()
            phase_review_create(reviewer=mentor, enrolment=enrolment, phase=phase, decision="signed_off")
            outcomes.append("signed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "signed"]
    assert Certificate.objects.count() == 1


@pytest.mark.django_db
def test_sign_offs_from_before_certificates_get_theirs_once(mentor, mentee, capsys):
    from django.core.management import call_command

    sign_off(mentee, 1, by=mentor)
    sign_off(mentee, 2, by=mentor)
    Certificate.objects.all().delete()  # as if signed off before this feature
    Email.objects.filter(kind="certificate_issued").delete()
    Notice.objects.filter(kind="certificate_issued").delete()

    call_command("issue_missing_certificates")
    assert capsys.readouterr().out.strip() == "2 certificates issued."
    assert sorted(Certificate.objects.values_list("phase__number", flat=True)) == [1, 2]
    call_command("issue_missing_certificates")
    assert capsys.readouterr().out.strip() == "0 certificates issued."
    assert Certificate.objects.count() == 2
