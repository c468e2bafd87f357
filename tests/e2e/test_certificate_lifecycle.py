"""The certificate's lifecycle in a real browser: a learner who never gave a name is signed off; their
certificate waits until they confirm the name to print, then carries it; staff revoke it (the learner
is told) and issue it again; the revoked certificate's public page says so and leads to the new one."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.credentials.conftest import finish_phase
from tests.e2e.test_journeys import DESKTOP, check, log_in, mentor_signs_off_phase_1, verified
from tests.factories import PASSWORD, MentorFactory, StaffFactory, UserFactory

PHASE_1 = "Phase 1: Foundations of Modern AI"


@pytest.mark.django_db(transaction=True)
def test_a_nameless_learner_confirms_a_name_and_a_revoked_certificate_leads_to_its_replacement(
    page: Page, browser: Browser, live_server, curriculum_tx, celery_eager, settings, tmp_path
):
    from credentials.models import Certificate
    from mentoring.services import mentees_assign
    from progress.services import enrolment_create

    settings.MEDIA_ROOT = tmp_path
    base = settings.SITE_URL = live_server.url
    learner = verified(UserFactory(username="ada", email="ada@example.com"))  # no name given
    mentor = verified(MentorFactory(username="grace", name="Grace Hopper"))
    staff = verified(StaffFactory(username="root", name="Sam Staff"))
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    finish_phase(enrolment, 1)

    # The mentor signs phase 1 off.
    mentor_signs_off_phase_1(page, base, mentor, enrolment)

    # The learner opens the certificates page: the certificate waits for the name to print.
    context = browser.new_context(viewport=DESKTOP)
    learner_page = context.new_page()
    log_in(learner_page, base, learner.email, PASSWORD)
    learner_page.goto(base + "/certificates/")
    expect(learner_page.get_by_role("heading", name="Confirm the name to print")).to_be_visible()
    expect(learner_page.get_by_text("Awaiting the name to print")).to_be_visible()
    check(learner_page, "certificates-confirm-name")
    assert "ada@example.com" not in learner_page.locator("main").inner_text()
    learner_page.get_by_label("Your name, as it is printed on your certificate").fill("Ada Lovelace")
    learner_page.get_by_role("button", name="Issue my certificate with this name").click()
    expect(learner_page.get_by_text(f"Issued with your name: {PHASE_1}.")).to_be_visible()
    learner_page.get_by_role("link", name=PHASE_1).click()
    expect(learner_page.get_by_role("heading", name=PHASE_1)).to_be_visible()
    expect(learner_page.locator("p.lead")).to_contain_text("Ada Lovelace")
    expect(learner_page.get_by_text("Valid", exact=True)).to_be_visible()
    certificate_url = learner_page.url
    first = Certificate.objects.get(enrolment=enrolment)
    assert (first.state, first.recipient_name, first.signed_by_name) == (
        "issued",
        "Ada Lovelace",
        "Grace Hopper",
    )

    # Staff revoke it with a reason, then issue it again.
    staff_page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(staff_page, base, staff.email, PASSWORD)
    staff_page.goto(certificate_url)
    staff_page.get_by_label(re.compile("Reason")).fill("Issued before the project was checked.")
    staff_page.get_by_role("button", name="Revoke this certificate").click()
    expect(staff_page.get_by_text("The certificate is revoked")).to_be_visible()
    staff_page.get_by_role("button", name="Issue again").click()
    expect(staff_page.get_by_text("A new certificate is issued in place of the old one")).to_be_visible()

    # The learner is told.
    learner_page.goto(base + "/notices/")
    expect(
        learner_page.get_by_text(
            f"Your certificate “{PHASE_1}” was revoked: Issued before the project was checked."
        )
    ).to_be_visible()

    # The old certificate's public page says revoked and leads to its replacement.
    stranger = browser.new_context(viewport=DESKTOP).new_page()
    stranger.goto(f"{base}/verify/{first.public_id}/")
    expect(stranger.get_by_role("heading", name="This certificate was revoked")).to_be_visible()
    expect(stranger.get_by_text("Issued before the project was checked.")).to_be_visible()
    check(stranger, "verify-revoked")
    stranger.get_by_role("link", name="see the new certificate").click()
    expect(stranger.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    expect(stranger.get_by_text("Ada Lovelace")).to_be_visible()
    new = Certificate.objects.get(replaces=first)
    assert stranger.url == f"{base}/verify/{new.public_id}/"
    assert "ada@example.com" not in stranger.content()
    context.close()
