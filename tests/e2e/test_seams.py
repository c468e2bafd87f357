"""The seams of issue 35, as a user meets them in a real browser:

1. a mentor signs phase 1 off; the phase is then final: the mentor's page offers no return, and the
   learner's dashboard shows it signed off;
3. the learner leaves and enrols again; the schedule lists the earlier enrolment, whose read-only
   schedule says when it was left;
4. the calendar link they subscribed to before leaving serves the new enrolment's dates;
5. the project week's page shows its project, and the schedule marks the week as a project week.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.credentials.conftest import finish_phase
from tests.e2e.test_journeys import DESKTOP, log_in, verified
from tests.factories import PASSWORD, MentorFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_learner_s_seams_in_the_browser(
    browser: Browser, live_server, curriculum_tx, celery_eager, settings, tmp_path
):
    from mentoring.services import mentees_assign
    from progress.models import Enrolment
    from progress.services import enrolment_create

    settings.MEDIA_ROOT = tmp_path
    base = settings.SITE_URL = live_server.url
    learner = verified(UserFactory(username="ada", email="ada@example.com", name="Ada Lovelace"))
    mentor = verified(MentorFactory(username="grace", name="Grace Hopper"))
    first = enrolment_create(learner=learner, start_date=timezone.now().date() - timedelta(weeks=3))
    mentees_assign(mentor=mentor, enrolment_ids=[first.pk])
    finish_phase(first, 1)

    # 1. The mentor signs phase 1 off; the phase's form is gone (a signed-off phase cannot be returned).
    mentor_page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(mentor_page, base, mentor.email, PASSWORD)
    mentor_page.goto(f"{base}/mentoring/learners/{first.pk}/")
    phase_1 = mentor_page.locator(".card", has=mentor_page.get_by_role("heading", name="Phase 1:"))
    phase_1.get_by_label("Sign off").check()
    phase_1.get_by_role("button", name="Save review").click()
    expect(mentor_page.get_by_text("Phase 1 review saved.")).to_be_visible()
    phase_1 = mentor_page.locator(".card", has=mentor_page.get_by_role("heading", name="Phase 1:"))
    expect(phase_1.get_by_text("Signed off")).to_be_visible()
    expect(phase_1.get_by_label("Return with comments")).to_have_count(0)

    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, base, learner.email, PASSWORD)
    page.goto(base + "/dashboard/")
    expect(page.get_by_text("Certificate issued: Phase 1")).to_be_visible()

    # 5. Week 21's page shows its project; the schedule marks project weeks.
    page.goto(base + "/my/weeks/21/")
    expect(page.locator("#week-project")).to_be_visible()
    page.goto(base + "/schedule/")
    expect(page.locator("#week-21").get_by_text("Project", exact=True)).to_have_count(1)
    expect(page.locator("#week-20").get_by_text("Project", exact=True)).to_have_count(0)

    # 4. The calendar link of the settings page, as a calendar app subscribed to it.
    page.goto(base + "/settings/")
    feed_url = page.locator("#feed-url").input_value()
    assert feed_url.endswith(f"/calendar/{first.calendar_token}.ics")

    # 3. Leaving and enrolling again: the earlier enrolment stays reachable, read-only.
    page.goto(base + "/enrolment/leave/")
    page.get_by_label("I want to leave the curriculum").check()
    page.get_by_role("button", name="Leave the curriculum").click()
    expect(page.get_by_text("You have left the curriculum.")).to_be_visible()
    page.goto(base + "/enrol/")
    expect(page.get_by_text("You left the curriculum on")).to_be_visible()
    page.get_by_role("button", name="Enrol").click()
    expect(page).to_have_url(base + "/dashboard/")
    second = Enrolment.objects.filter(learner=learner).order_by("-created_at").first()
    assert second.pk != first.pk
    page.goto(base + "/schedule/")
    earlier = page.locator("section", has=page.get_by_role("heading", name="Earlier enrolments"))
    earlier.get_by_role("link", name="schedule").click()
    expect(page).to_have_url(f"{base}/learners/{first.pk}/schedule/")
    expect(page.get_by_text("Left on")).to_be_visible()

    # 4 (again). The link subscribed to before leaving now serves the new enrolment's weeks.
    feed = page.request.get(feed_url)
    assert feed.status == 200
    new_start = second.start_date.strftime("%Y%m%d")
    assert f"DTSTART;VALUE=DATE:{new_start}" in feed.text()
