"""The progress page and the mentor workspace in a real browser: the charts render at desktop width and
at 375 px, pass axe (charts included), a chart's segment filters the mentor table, a learner reads a
notice and the bell's count drops. Screenshots: artifacts/screenshots/progress-page*.png and
mentor-workspace*.png (git-ignored; written by every run)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from assessments import autograding
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_journeys import DESKTOP, PHONE, check, log_in, verified
from tests.factories import PASSWORD, MentorFactory, UserFactory


@pytest.fixture
def group(transactional_db, curriculum_tx):
    """A mentor with learners ahead, on track, 1, 2 and 3 weeks to catch up; the learner "ada" has weeks
    done, a re-plan, quiz results and her mentor's feedback (an unread notice)."""
    from assessments import services as assessment_services
    from curriculum.models import Week
    from mentoring.services import feedback_create, mentees_assign
    from progress.services import enrolment_create, schedule_replan, week_progress_set
    from tests.assessments.conftest import half_answers, make_quiz, perfect_answers

    mentor = verified(MentorFactory(username="grace", first_name="Grace", last_name="Hopper"))
    today = timezone.now().date()
    monday = today - timedelta(days=today.weekday())
    made = {}
    for name, weeks_ago, done in [
        ("ahead", 0, [1, 2, 3]),
        ("ontrack", 0, []),
        ("one", 1, []),
        ("two", 2, []),
        ("three", 3, []),
        ("ada", 6, [1, 2, 3]),
    ]:
        user = verified(UserFactory(username=name, name=name.capitalize()))
        enrolment = enrolment_create(learner=user, start_date=monday - timedelta(weeks=weeks_ago))
        mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
        for number in done:
            week_progress_set(enrolment=enrolment, week=Week.objects.get(number=number), status="completed")
        made[name] = enrolment
    ada = made["ada"]
    schedule_replan(enrolment=ada, changed_by=ada.learner)
    for number, answers in [(1, perfect_answers), (2, half_answers)]:
        quiz = make_quiz(week=number)
        submission = assessment_services.submission_create(
            learner=ada.learner, quiz=quiz, answers=answers(quiz)
        )
        autograding.submission_grade(submission_id=submission.pk)
    feedback_create(
        author=mentor, enrolment=ada, week=Week.objects.get(number=2), body="Lovely notes on week 2."
    )
    return mentor, made


def charts_fit(page: Page) -> None:
    """Every chart is drawn and no wider than the window (375 px included)."""
    width = page.viewport_size["width"]  # type: ignore[index]
    for chart in page.locator("svg.chart-svg").all():
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 200
        assert box["x"] + box["width"] <= width


@pytest.mark.django_db(transaction=True)
def test_the_progress_page_draws_its_chart_and_map_at_desktop_and_phone_widths(
    browser: Browser, live_server, group
):
    from curriculum.selectors import week_count

    base = live_server.url
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, base, "ada@example.com", PASSWORD)
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Weeks completed: plan against actual"))).to_be_visible()
    expect(page.locator(".week-map .cell")).to_have_count(week_count())
    expect(page.get_by_text("Re-planned").first).to_be_attached()
    expect(page.locator('[data-figure="weeks-completed"]')).to_have_text(f"3 of {week_count()}")
    charts_fit(page)
    check(page, "progress-page")  # axe, no sideways scroll at 375 px, screenshots of both widths
    page.set_viewport_size(PHONE)
    charts_fit(page)
    page.locator(".progress-summary").screenshot(path=str(SCREENSHOTS / "progress-summary-phone.png"))
    page.locator("#plan-vs-actual").screenshot(path=str(SCREENSHOTS / "progress-chart-phone.png"))
    # In print: the chart and map stay, the menu goes (a screenshot of the printed page, A4-wide).
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    charts_fit(page)
    expect(page.locator(".week-map")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "progress-page-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    page.locator(".week-map .cell").nth(1).click()
    expect(page).to_have_url(base + "/my/weeks/2/")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_chart_segment_filters_the_mentor_table_at_desktop_and_phone_widths(
    browser: Browser, live_server, group
):
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, base, "grace@example.com", PASSWORD)
    page.goto(base + "/mentoring/")
    expect(page.get_by_role("img", name=re.compile("Where the group stands"))).to_be_visible()
    charts_fit(page)
    check(page, "mentor-workspace")
    rows = page.locator("#mentee-table tbody tr")
    expect(rows).to_have_count(6)

    page.get_by_role("link", name="2 weeks to catch up: 1 learner. Show them in the table").click()
    expect(page).to_have_url(re.compile(r"standing=behind_2"))
    expect(page.locator("[data-segment-shown]")).to_contain_text("2 weeks to catch up")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Two")

    page.set_viewport_size(PHONE)
    page.goto(base + "/mentoring/")
    charts_fit(page)
    page.locator(".workspace").screenshot(path=str(SCREENSHOTS / "mentor-workspace-charts-phone.png"))
    page.get_by_role("link", name="Ahead: 1 learner. Show them in the table").click()
    expect(page).to_have_url(re.compile(r"standing=ahead"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ahead")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_learner_reads_a_notice_and_the_count_drops(browser: Browser, live_server, group):
    base = live_server.url
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "ada@example.com", PASSWORD)
    bell = page.get_by_role("link", name=re.compile(r"Notices: \d+ unread"))
    expect(bell).to_have_accessible_name("Notices: 1 unread")
    expect(page.locator(".bell-count")).to_have_text("1")
    bell.click()
    expect(page.get_by_text("Lovely notes on week 2.")).to_be_visible()
    check(page, "notices")
    page.get_by_role("button", name="Open").click()
    expect(page).to_have_url(base + "/my/weeks/2/")
    expect(page.get_by_role("link", name="Notices: 0 unread")).to_be_visible()
    expect(page.locator(".bell-count")).to_have_count(0)
    # She answers; the mentor's bell counts it.
    page.get_by_label("Reply to your mentor").fill("Thank you!")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is sent to your mentor.")).to_be_visible()
    context.close()
    mentor_context = browser.new_context(viewport=DESKTOP)
    mentor_page = mentor_context.new_page()
    log_in(mentor_page, base, "grace@example.com", PASSWORD)
    expect(mentor_page.get_by_role("link", name="Notices: 1 unread")).to_be_visible()
    mentor_context.close()
