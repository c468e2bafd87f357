"""What a new user meets, in a real browser: signing up and enrolling without touching the date, the
mentor table sorted both ways (desktop and phone), the schedule collapsed by phase on a phone, a re-plan
previewed, made and undone. Every page passes axe and fits 375 px."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_journeys import DESKTOP, PHONE, WEEK_1, check, log_in, run_axe, verified
from tests.factories import PASSWORD, MentorFactory, UserFactory

EMAIL = "new.learner@example.com"
SECRET = "a-long-and-unusual-passphrase-42"


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    settings.SITE_URL = live_server.url


@pytest.mark.django_db(transaction=True)
def test_a_new_learner_signs_up_and_enrols_without_touching_the_date_field(
    browser: Browser, live_server, curriculum_tx, celery_eager
):
    from progress.forms import next_monday
    from progress.models import Enrolment

    base = live_server.url
    # Chromium in India reports the deprecated alias "Asia/Calcutta": the form still finds its zone.
    context = browser.new_context(viewport=DESKTOP, timezone_id="Asia/Kolkata")
    page = context.new_page()
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.locator("#id_password1").fill(SECRET)
    page.locator("#id_password2").fill(SECRET)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    [message] = mail.outbox
    assert message.subject.startswith("[AI/ML Curriculum] ")
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0))
    page.get_by_role("button", name="Confirm").click()

    # Logging in lands on the enrol form (no enrolment yet), not the marketing page.
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(SECRET)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + "/enrol/")
    start = page.get_by_label("Start date")
    expect(start).to_have_value(next_monday().isoformat())
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Kolkata")
    check(page, "new-enrol")
    page.get_by_role("button", name="Enrol").click()

    expect(page).to_have_url(base + "/dashboard/")
    expect(page.get_by_text("You are enrolled.")).to_be_visible()
    expect(page.get_by_role("link", name=WEEK_1).first).to_be_visible()
    check(page, "new-dashboard")
    enrolment = Enrolment.objects.get(learner__email=EMAIL)
    assert (enrolment.start_date, enrolment.timezone) == (next_monday(), "Asia/Kolkata")
    assert str(enrolment.learner) == "Ada Lovelace"

    page.goto(base + "/")
    expect(page.get_by_role("link", name="Continue: Week 1")).to_be_visible()
    context.close()


@pytest.fixture
def mentor_with_learners(transactional_db, curriculum_tx):
    from mentoring.services import mentees_assign
    from progress.services import enrolment_create

    mentor = verified(MentorFactory(username="grace", first_name="Grace", last_name="Hopper"))
    today = timezone.now().date()
    for username, name in [("zoe", "Zoë Zimmer"), ("amy", "Amy Adams"), ("mia", "Mia Moss")]:
        enrolment = enrolment_create(learner=UserFactory(username=username, name=name), start_date=today)
        mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    return mentor


def learner_column(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("td[data-label='Learner']").all_inner_texts()]


@pytest.mark.django_db(transaction=True)
def test_a_mentor_sorts_the_table_both_ways(page: Page, live_server, mentor_with_learners):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, mentor_with_learners.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/mentoring/")  # a mentor lands on their mentees
    header = page.get_by_role("columnheader", name="Learner")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert learner_column(page) == ["Amy Adams", "Mia Moss", "Zoë Zimmer"]
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert learner_column(page) == ["Zoë Zimmer", "Mia Moss", "Amy Adams"]
    check(page, "mentor-sorted")

    # On a phone the header is hidden (visually): the sort select, hidden on a wide screen, does it.
    expect(page.get_by_label("Sort by")).to_be_hidden()
    page.set_viewport_size(PHONE)
    expect(page.get_by_label("Sort by")).to_be_visible()
    page.get_by_label("Sort by").select_option(label="Learner, A to Z")
    page.get_by_role("button", name="Show").click()
    assert learner_column(page) == ["Amy Adams", "Mia Moss", "Zoë Zimmer"]
    run_axe(page, "mentor table on a phone")


@pytest.mark.django_db(transaction=True)
def test_the_schedule_on_a_phone_is_collapsed_by_phase(page: Page, live_server, curriculum_tx):
    from progress.services import enrolment_create

    learner = verified(UserFactory(username="phone"))
    enrolment_create(learner=learner, start_date=timezone.now().date() - timedelta(weeks=2))
    log_in(page, live_server.url, learner.email, PASSWORD)

    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/schedule/")
    phases = page.locator("details.phase-group")
    expect(phases).to_have_count(3)
    for index in range(3):
        expect(phases.nth(index)).to_have_attribute("open", "")
    check(page, "schedule-by-phase")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(phases.nth(0)).to_have_attribute("open", "")  # the current phase
    for index in (1, 2):
        expect(phases.nth(index)).not_to_have_attribute("open", "")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, f"the schedule is {height} px tall on a phone"
    page.get_by_role("link", name="Jump to this week (week 3)").click()
    expect(page.locator("#week-3")).to_be_in_viewport()
    page.get_by_role("heading", name=re.compile("^Phase 2:")).click()  # a collapsed phase opens on demand
    expect(phases.nth(1)).to_have_attribute("open", "")
    run_axe(page, "schedule on a phone")


@pytest.mark.django_db(transaction=True)
def test_a_re_plan_is_previewed_made_and_undone(page: Page, live_server, curriculum_tx):
    from curriculum.models import Week
    from progress.services import enrolment_create, week_progress_set

    learner = verified(UserFactory(username="behind"))
    today = timezone.now().date()
    enrolment = enrolment_create(learner=learner, start_date=today - timedelta(weeks=4))
    for number in (1, 4):
        week_progress_set(enrolment=enrolment, week=Week.objects.get(number=number), status="completed")
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, learner.email, PASSWORD)
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_text("Behind by 2 weeks")).to_be_visible()
    page.get_by_role("link", name="Re-plan my schedule").click()

    expect(page.get_by_role("heading", name="Re-plan your schedule")).to_be_visible()
    expect(page.get_by_text("Week 4 is already completed, so it takes no slot")).to_be_visible()
    page.get_by_text("weeks that move").click()
    check(page, "replan-preview")
    page.get_by_role("button", name="Re-plan my schedule").click()

    expect(page.get_by_text("Re-planned: week 2 starts on")).to_be_visible()
    expect(page.get_by_text("On track")).to_be_visible()
    check(page, "dashboard-after-replan")
    page.get_by_role("button", name="Undo this re-plan").click()
    expect(page.get_by_text("The re-plan is undone")).to_be_visible()
    expect(page.get_by_text("Behind by 2 weeks")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_calendar_link_is_copied_with_one_click(page: Page, live_server, curriculum_tx):
    from progress.services import enrolment_create

    learner = verified(UserFactory(username="calendar"))
    enrolment_create(learner=learner, start_date=timezone.now().date())
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, learner.email, PASSWORD)
    page.goto(live_server.url + "/settings/")
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.get_by_label("Your feed").input_value()
    assert copied.startswith(live_server.url + "/calendar/")
    expect(page.get_by_role("link", name="Open in your calendar app")).to_have_attribute(
        "href", re.compile(r"^webcal://")
    )
    check(page, "settings-calendar")


@pytest.mark.django_db(transaction=True)
def test_a_learner_changes_pace_then_leaves_and_can_enrol_again(page: Page, live_server, curriculum_tx):
    from progress.services import enrolment_create

    learner = verified(UserFactory(username="pacer"))
    enrolment_create(learner=learner, start_date=timezone.now().date() - timedelta(weeks=2))
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, learner.email, PASSWORD)
    page.goto(live_server.url + "/settings/")
    finish_before = page.get_by_text("At this pace you finish on").inner_text()
    page.get_by_label("Your pace").select_option(label="Half pace: one curriculum week every two weeks")
    page.get_by_role("button", name="Change my pace").click()
    expect(page.get_by_text("Your pace is now 0.5 curriculum weeks a week from week 4")).to_be_visible()
    assert page.get_by_text("At this pace you finish on").inner_text() != finish_before
    check(page, "settings-pace-changed")

    page.get_by_role("link", name="Leave the curriculum…").click()
    check(page, "leave-confirm")
    page.get_by_role("button", name="Leave the curriculum").click()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()
    page.get_by_label("I want to leave the curriculum").check()
    page.get_by_role("button", name="Leave the curriculum").click()
    expect(page.get_by_role("heading", name=re.compile("You left the curriculum on"))).to_be_visible()
    check(page, "dashboard-after-leaving")
    page.get_by_role("link", name="Enrol again").click()
    expect(page.get_by_text("what you did then is kept")).to_be_visible()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("You are enrolled")).to_be_visible()
