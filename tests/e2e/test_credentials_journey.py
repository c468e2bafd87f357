"""A certificate's whole story in a real browser: the mentor signs phase 1 off; the learner sees the
certificate, downloads the PDF and the signed credential, publishes a portfolio with one project; a
stranger's browser (logged out) opens the portfolio and the verification page. Every page passes axe and
fits a phone."""

import io
import re
import warnings
from pathlib import Path

import pytest
from django.utils import timezone
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import KeySet
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.credentials.conftest import finish_phase
from tests.e2e.test_journeys import DESKTOP, check, log_in, mentor_signs_off_phase_1, verified
from tests.factories import PASSWORD, MentorFactory, UserFactory

PHASE_1 = "Phase 1: Foundations of Modern AI"


@pytest.mark.django_db(transaction=True)
def test_mentor_signs_off_and_a_stranger_verifies(
    page: Page, browser: Browser, live_server, curriculum_tx, celery_eager, settings, tmp_path
):
    from mentoring.services import mentees_assign
    from progress.services import enrolment_create

    settings.MEDIA_ROOT = tmp_path
    base = settings.SITE_URL = live_server.url  # the PDF's and the credential's links lead to this server
    learner = verified(UserFactory(username="ada", email="ada@example.com", name="Ada Lovelace"))
    mentor = verified(MentorFactory(username="grace", name="Grace Hopper"))
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    finish_phase(enrolment, 1)

    # The mentor signs phase 1 off on the learner's page.
    mentor_signs_off_phase_1(page, base, mentor, enrolment)

    # The learner sees it on the dashboard and opens it.
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    learner_page = context.new_page()
    log_in(learner_page, base, learner.email, PASSWORD)
    learner_page.goto(base + "/dashboard/")
    expect(learner_page.get_by_text(f"Certificate issued: {PHASE_1}")).to_be_visible()
    learner_page.get_by_role("link", name="Your certificates and portfolio").click()
    expect(learner_page.get_by_role("heading", name="Your certificates")).to_be_visible()
    check(learner_page, "certificates")
    learner_page.get_by_role("link", name=PHASE_1).click()
    expect(learner_page.get_by_role("heading", name=PHASE_1)).to_be_visible()
    expect(learner_page.get_by_role("link", name="Add to LinkedIn profile")).to_have_attribute(
        "href", re.compile(r"^https://www\.linkedin\.com/profile/add\?startTask=CERTIFICATION_NAME&")
    )
    check(learner_page, "certificate")
    verification_url = learner_page.get_by_role("link", name=re.compile("verify")).first.inner_text()

    # … downloads the PDF, which holds the verification address …
    with learner_page.expect_download() as pdf_download:
        learner_page.get_by_role("link", name="Download the PDF").click()
    text = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes())).pages[0].extract_text()
    assert "Ada Lovelace" in text
    assert verification_url in text

    # … and the signed credential, which verifies with the site's published keys.
    with learner_page.expect_download() as jwt_download:
        learner_page.get_by_role("link", name=re.compile("Download the signed credential")).click()
    token = Path(jwt_download.value.path()).read_text()
    keys = KeySet.import_key_set(learner_page.request.get(base + "/credentials/issuer/jwks.json").json())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        claims = joserfc_jwt.decode(token, keys, algorithms=["EdDSA"]).claims
    assert claims["credentialSubject"]["achievement"]["name"] == PHASE_1

    # The learner publishes a portfolio showing the certificate and the phase's accepted project.
    from projects.models import Project

    project_title = Project.objects.get(week__number=22).title
    learner_page.goto(base + "/portfolio/")
    expect(learner_page.get_by_role("heading", name="Your portfolio")).to_be_visible()
    check(learner_page, "portfolio-settings")
    learner_page.get_by_label("Publish my portfolio").check()
    learner_page.get_by_label("Public address").fill("ada-lovelace")
    learner_page.get_by_label("Headline").fill("Learning AI/ML, one phase at a time")
    learner_page.get_by_role("group", name="Certificates to show").get_by_label(re.compile(PHASE_1)).check()
    learner_page.get_by_label(f"Show “{project_title}”").check()
    learner_page.get_by_label(f"Your summary of “{project_title}”").fill("My capstone for phase 1.")
    learner_page.get_by_role("button", name="Save").click()
    expect(learner_page.get_by_text("Portfolio saved.")).to_be_visible()
    context.close()

    # A stranger, logged out, opens the portfolio and follows it to the verification page.
    stranger = browser.new_context(viewport=DESKTOP).new_page()
    stranger.goto(base + "/people/ada-lovelace/")
    expect(stranger.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(stranger.get_by_text("Learning AI/ML, one phase at a time")).to_be_visible()
    expect(stranger.get_by_role("heading", name=project_title)).to_be_visible()
    expect(stranger.get_by_text("My capstone for phase 1.")).to_be_visible()
    expect(stranger.get_by_role("link", name="Log in")).to_be_visible()
    check(stranger, "portfolio-public")
    stranger.get_by_role("link", name=PHASE_1).click()
    expect(stranger.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    expect(stranger.get_by_text("Grace Hopper (mentor)")).to_be_visible()
    expect(stranger.get_by_text(project_title)).to_be_visible()  # the accepted project's title
    assert stranger.url == verification_url
    check(stranger, "verify")
