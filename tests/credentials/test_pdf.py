"""The PDF: rendered by the Celery task (ids in, no-op when stored), kept through the storage API, parsed
here with pypdf (independent of reportlab, which writes it): it holds the verification URL as text and
as a link; a lost file is made again; a revoked certificate's PDF says so."""

import io

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from credentials import services
from credentials.models import Certificate
from credentials.openbadges import verification_url
from credentials.tasks import render_certificate_pdf
from tests.credentials.conftest import finish_phase


def read(content: bytes) -> tuple[str, list[str]]:
    """The PDF's text and its link targets."""
    reader = PdfReader(io.BytesIO(content))
    [page] = reader.pages
    links = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    return page.extract_text(), links


def download(client, certificate) -> bytes:
    response = client.get(reverse("credentials:pdf", args=[certificate.public_id]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_task_renders_and_stores_the_pdf_once(certificate):
    assert render_certificate_pdf(certificate.pk) is True
    certificate.refresh_from_db()
    assert default_storage.exists(certificate.pdf.name)
    assert render_certificate_pdf(certificate.pk) is False  # stored: nothing to do
    assert render_certificate_pdf(999_999) is False  # gone: quietly nothing


@pytest.mark.django_db
def test_the_sign_off_queues_the_pdf_after_commit(mentor, mentee):
    from curriculum.models import Phase
    from mentoring.services import phase_review_create

    finish_phase(mentee, 1)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        phase_review_create(
            reviewer=mentor, enrolment=mentee, phase=Phase.objects.get(number=1), decision="signed_off"
        )
    certificate = Certificate.objects.get()
    assert not certificate.pdf  # nothing rendered inside the transaction
    from lms.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        for callback in callbacks:
            callback()
    finally:
        app.conf.task_always_eager = eager
    certificate.refresh_from_db()
    assert certificate.pdf
    assert default_storage.exists(certificate.pdf.name)


@pytest.mark.django_db
def test_the_pdf_opens_and_holds_the_verification_url(client, learner, certificate):
    render_certificate_pdf(certificate.pk)
    client.force_login(learner)
    text, links = read(download(client, certificate))
    url = verification_url(certificate)
    assert url in text
    assert url in links
    assert "Ada Lovelace" in text
    assert "Phase 1: Foundations of Modern AI" in text
    assert "Grace Hopper" in text


@pytest.mark.django_db
def test_a_lost_pdf_is_made_again(client, learner, certificate, celery_eager):
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    default_storage.delete(certificate.pdf.name)  # the disk or the bucket lost it
    client.force_login(learner)
    text, _ = read(download(client, certificate))
    assert verification_url(certificate) in text
    certificate.refresh_from_db()
    assert default_storage.exists(certificate.pdf.name)


@pytest.mark.django_db
def test_while_the_worker_renders_it_the_page_waits(client, learner, certificate, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(render_certificate_pdf, "delay", lambda pk: queued.append(pk))
    client.force_login(learner)
    response = client.get(reverse("credentials:pdf", args=[certificate.public_id]))
    assert response.status_code == 202
    assert queued == [certificate.pk]
    assert 'http-equiv="refresh"' in response.content.decode()


@pytest.mark.django_db
def test_a_revoked_certificates_pdf_says_so(client, learner, staff, certificate, celery_eager):
    render_certificate_pdf(certificate.pk)
    services.certificate_revoke(certificate=certificate, by=staff, reason="Duplicate account.")
    client.force_login(learner)
    text, _ = read(download(client, certificate))
    assert "REVOKED" in text
    assert "Duplicate account." in text


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_pdf_of_a_sign_off(celery_worker, settings, tmp_path, learner, mentor):
    """The wiring: the sign-off commits, its on-commit hook queues the task on Redis, the worker renders."""
    import time

    from django.utils import timezone

    from mentoring.services import mentees_assign
    from progress.services import enrolment_create
    from tests.credentials.conftest import sign_off

    settings.MEDIA_ROOT = tmp_path
    learner.name = "Ada Lovelace"  # a name to print: issued at once
    learner.save(update_fields=["name"])
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    certificate = sign_off(enrolment, 1, by=mentor)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        certificate.refresh_from_db()
        if certificate.pdf:
            break
        time.sleep(0.2)
    assert certificate.pdf
    text, _ = read(default_storage.open(certificate.pdf.name).read())
    assert verification_url(certificate) in text
