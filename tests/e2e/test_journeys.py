"""The whole story in a real browser: a learner signs up, studies, takes a quiz graded by the Celery worker;
their mentor sees them flagged and leaves feedback; an admin edits a week and the learner sees it.

Every page on the way passes axe, fits a 375 px phone and is saved as a screenshot."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, MentorFactory, StaffFactory, UserFactory

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
WEEK_1 = "Essential Math Foundation - Part 1"
LEARNER_EMAIL = "ada@example.com"
LEARNER_PASSWORD = "a-long-and-unusual-passphrase-42"


def check(page: Page, name: str) -> None:
    """The page a user is on: axe at desktop width, no sideways scroll at 375 px, screenshots of both."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    run_axe(page, name)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways at 375 px ({overflow} px)"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def run_axe(page: Page, label: str) -> None:
    """Fail on serious or critical axe-core violations (like the `axe_check` fixture, for any page)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    bad = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in violations
        if violation["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{label}: " + "; ".join(bad)


def log_in(page: Page, base: str, email: str, password: str) -> None:
    """Through allauth's real login form, by e-mail."""
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def mentor_signs_off_phase_1(page: Page, base: str, mentor, enrolment) -> None:
    """The mentor logs in, signs phase 1 off on the learner's page, and logs out (cookies cleared)."""
    page.set_viewport_size(DESKTOP)
    log_in(page, base, mentor.email, PASSWORD)
    page.goto(f"{base}/mentoring/learners/{enrolment.pk}/")
    phase_form = page.locator("form", has=page.locator('input[value="signed_off"]')).first
    phase_form.get_by_label("Sign off").check()
    phase_form.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Phase 1 review saved.")).to_be_visible()
    page.context.clear_cookies()


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_up_and_verify(page: Page, base: str) -> None:
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill(LEARNER_EMAIL)
    page.locator("#id_password1").fill(LEARNER_PASSWORD)
    page.locator("#id_password2").fill(LEARNER_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # The confirmation goes through the outbox: the worker sends it after the sign-up has answered.
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    [message] = mail.outbox
    assert message.to == [LEARNER_EMAIL]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert link, message.body
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    log_in(page, base, LEARNER_EMAIL, LEARNER_PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_learner_mentor_and_admin_journeys(
    page: Page, browser: Browser, live_server, celery_worker, mailoutbox
):
    from progress.models import Enrolment

    base = live_server.url
    page.set_viewport_size(DESKTOP)
    mentor = verified(MentorFactory(username="grace", first_name="Grace", last_name="Hopper"))
    admin = verified(StaffFactory(username="root"))

    # A learner signs up, follows the link from the e-mail, logs in and is sent to enrol.
    sign_up_and_verify(page, base)
    page.goto(base + "/dashboard/")
    expect(page).to_have_url(base + "/enrol/")
    expect(page.get_by_role("heading", name="Start the curriculum")).to_be_visible()
    check(page, "enrol")
    page.get_by_label("Start date").fill(timezone.now().date().isoformat())
    page.get_by_role("button", name="Enrol").click()

    # The dashboard shows week 1 as this week.
    expect(page).to_have_url(base + "/dashboard/")
    this_week = page.locator("section.this-week")
    expect(this_week.get_by_role("heading", name=f"Week 1: {WEEK_1}")).to_be_visible()
    check(page, "dashboard")

    # The learner marks week 1 complete.
    this_week.get_by_role("link", name="Open week 1").click()
    expect(page.get_by_role("heading", name=f"Week 1: {WEEK_1}", level=1)).to_be_visible()
    page.get_by_label("Status").select_option("completed")
    page.get_by_label("Notes").fill("Dot products finally make sense.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Week 1 saved.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"completed \d+ \w+ \d{4}"))).to_be_visible()
    check(page, "week")

    # ...and takes the week's quiz: two of six points, below the 70 % pass mark.
    page.get_by_role("link", name=f"Week 1 quiz: {WEEK_1}").click()
    expect(page.get_by_role("heading", name=f"Week 1 quiz: {WEEK_1}")).to_be_visible()
    check(page, "quiz")
    page.get_by_label("1. Compute the dot product").fill("12")
    page.get_by_role("group", name="2. A is a 3×4 matrix").get_by_label("4×4").check()
    page.get_by_role("group", name="3. Which statements").get_by_label("(AB)ᵀ = AᵀBᵀ").check()
    page.get_by_role("group", name="4. Using the chain rule").get_by_label("cos(2x)").check()
    page.get_by_role("group", name="5. True or false").get_by_label("True").check()
    page.get_by_role("button", name="Submit answers").click()

    # The result page refreshes itself until the worker has graded the submission.
    expect(page.get_by_text("33.33%")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Not passed")).to_be_visible()
    submission_url = page.url
    check(page, "result")

    page.goto(base + "/schedule/")
    expect(page.get_by_role("heading", name="Your schedule")).to_be_visible()
    check(page, "schedule")
    page.goto(base + "/settings/")
    check(page, "settings")
    page.goto(base + "/quizzes/submissions/")
    check(page, "submissions")

    # A mentor is assigned; they log in and see the learner flagged.
    enrolment = Enrolment.objects.get(learner__email=LEARNER_EMAIL)
    shown = enrolment.learner.display_name  # signed up without a name: "Unnamed user #…", never the address
    enrolment.mentor = mentor
    enrolment.save(update_fields=["mentor"])
    mentor_context = browser.new_context(viewport=DESKTOP)
    mentor_page = mentor_context.new_page()
    log_in(mentor_page, base, mentor.email, PASSWORD)
    mentor_page.get_by_role("link", name="Mentees").click()
    row = mentor_page.get_by_role("row").filter(has_text=shown)
    expect(row.get_by_text("Failed quiz")).to_be_visible()
    check(mentor_page, "mentor-dashboard")

    # ...open the learner's page and leave feedback on week 1.
    row.get_by_role("link", name=shown).click()
    expect(mentor_page.get_by_role("heading", name=shown)).to_be_visible()
    check(mentor_page, "mentor-learner")
    week_row = mentor_page.locator("#week-1")
    week_row.get_by_text("Leave feedback").click()
    week_row.get_by_label("Feedback on week 1").fill("Revisit matrix shapes: rows of A by columns of B.")
    week_row.get_by_role("button", name="Send feedback").click()
    expect(mentor_page.get_by_text(f"Feedback on week 1 sent to {shown}.")).to_be_visible()
    mentor_page.goto(submission_url + "review/")
    check(mentor_page, "submission-review")
    mentor_context.close()

    # The learner sees the feedback on week 1.
    page.goto(base + "/my/weeks/1/")
    feedback = page.locator("section", has=page.get_by_role("heading", name="Feedback from your mentor"))
    expect(feedback.get_by_text("Revisit matrix shapes")).to_be_visible()
    expect(feedback.get_by_text("Grace Hopper")).to_be_visible()

    # An admin renames week 1 in Django admin; the learner's dashboard shows the new topic.
    admin_context = browser.new_context(viewport=DESKTOP)
    admin_page = admin_context.new_page()
    log_in(admin_page, base, admin.email, PASSWORD)
    from curriculum.models import Week

    week_id = Week.objects.get(number=1).pk
    admin_page.goto(f"{base}/admin/curriculum/week/{week_id}/change/")
    admin_page.get_by_label("Topic").fill("Linear Algebra Warm-up")
    admin_page.get_by_role("button", name="Save", exact=True).click()
    expect(admin_page.get_by_text("was changed successfully")).to_be_visible()
    admin_context.close()

    page.goto(base + "/dashboard/")
    expect(page.get_by_role("heading", name="Week 1: Linear Algebra Warm-up")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_missing_page_is_a_friendly_404(page: Page, live_server, curriculum_tx):
    page.set_viewport_size(DESKTOP)
    response = page.goto(live_server.url + "/no/such/page/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Curriculum", exact=True)).to_be_visible()
    check(page, "404")


@pytest.mark.django_db(transaction=True)
def test_the_quiz_works_from_the_keyboard(page: Page, live_server, curriculum_tx, celery_eager):
    from progress.services import enrolment_create

    learner = verified(UserFactory(username="keys"))
    enrolment_create(learner=learner, start_date=timezone.now().date())
    log_in(page, live_server.url, learner.email, PASSWORD)
    page.goto(live_server.url + "/quizzes/week/1/")

    first = page.get_by_label("1. Compute the dot product")
    first.focus()
    page.keyboard.type("12")
    # Radio groups: Tab enters the group, arrows choose.
    page.keyboard.press("Tab")
    answer_2 = page.get_by_role("group", name="2. A is a 3×4 matrix")
    expect(answer_2.get_by_label("The product is undefined")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(answer_2.get_by_label("3×2")).to_be_checked()
    # Checkboxes: Tab from one to the next, Space ticks.
    answer_3 = page.get_by_role("group", name="3. Which statements")
    for label in ["(AB)ᵀ = BᵀAᵀ", "A(B + C) = AB + AC", "(AB)C = A(BC)"]:
        page.keyboard.press("Tab")
        expect(answer_3.get_by_label(label, exact=False)).to_be_focused()
        page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    answer_4 = page.get_by_role("group", name="4. Using the chain rule")
    expect(answer_4.get_by_label("2x·sin(x²)")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(answer_4.get_by_label("2x·cos(x²)")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("group", name="5. True or false").get_by_label("True")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Submit answers")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("100%")).to_be_visible()
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_quiz_results_hide_the_key_while_attempts_are_left_and_end_without_try_again(
    page: Page, live_server, curriculum_tx, celery_eager
):
    """Attempt 1 of 2 fails: its page shows the score and which answers were wrong, but no correct answer
    and no explanation, and offers another attempt; the last attempt's page offers none (and shows the
    key: the learner is out of attempts)."""
    from progress.services import enrolment_create
    from tests.assessments.conftest import make_quiz

    learner = verified(UserFactory(username="twice"))
    enrolment_create(learner=learner, start_date=timezone.now().date())
    make_quiz(week=1, max_attempts=2)
    log_in(page, live_server.url, learner.email, PASSWORD)

    def take_badly() -> None:
        page.goto(live_server.url + "/quizzes/week/1/")
        page.get_by_role("group", name="1. Pick B").get_by_label("Option A").check()
        page.get_by_role("group", name="2. Pick X and Y").get_by_label("Option Z").check()
        page.get_by_role("group", name="3. Sky is blue").get_by_label("False").check()
        page.get_by_label("4. A number").fill("1")
        page.get_by_label("5. A word").fill("nope")
        page.get_by_role("button", name="Submit answers").click()
        expect(page.get_by_text("Not passed", exact=True)).to_be_visible()

    take_badly()
    content = page.content()
    assert "Incorrect" in content
    for key in ("Correct: Option B", "EXPLAIN-SINGLE", "42.125", "Accepted-Token-XYZ"):
        assert key not in content, key
    expect(page.get_by_role("link", name="Try again")).to_be_visible()
    run_axe(page, "quiz result with attempts left")

    take_badly()
    expect(page.get_by_role("link", name="Try again")).to_have_count(0)
    expect(page.get_by_text("You have used all your attempts at this quiz.")).to_be_visible()
    expect(page.get_by_text("Correct: Option B")).to_be_visible()
    run_axe(page, "quiz result, last attempt")
