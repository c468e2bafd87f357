"""Daily review in a real browser: a learner misses a question, uses up the quiz, finds the card due on
the dashboard, reviews it with the keyboard only and sees it scheduled days later. Every page passes
axe and fits a 375 px phone (tests.e2e.test_journeys.check)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import Quiz
from cards.models import Card
from tests.e2e.test_journeys import check, log_in, verified
from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_missed_question_comes_back_and_is_reviewed_from_the_keyboard(
    page: Page, live_server, curriculum_tx, celery_eager
):
    from progress.services import enrolment_create
    from tests.assessments.conftest import make_quiz

    learner = verified(UserFactory(username="reviewer"))
    enrolment_create(learner=learner, start_date=timezone.now().date())
    quiz = make_quiz(week=1, max_attempts=2)
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark_percent=100)
    log_in(page, live_server.url, learner.email, PASSWORD)

    def take_missing_one() -> None:
        page.goto(live_server.url + "/quizzes/week/1/")
        page.get_by_role("group", name="1. Pick B").get_by_label("Option A").check()  # the miss
        group = page.get_by_role("group", name="2. Pick X and Y")
        group.get_by_label("Option X").check()
        group.get_by_label("Option Y").check()
        page.get_by_role("group", name="3. Sky is blue").get_by_label("True").check()
        page.get_by_label("4. A number").fill("42.125")
        page.get_by_label("5. A word").fill("accepted-token-xyz")
        page.get_by_role("button", name="Submit answers").click()
        expect(page.get_by_text("Not passed", exact=True)).to_be_visible()

    take_missing_one()
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_text("No cards due today.")).to_be_visible()  # attempts left: no key, no card

    take_missing_one()  # the last attempt: the answers may be shown now
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_text("1 card due (about 1 minute).")).to_be_visible()
    check(page, "review-dashboard")

    page.get_by_role("link", name="Review now").click()
    expect(page.get_by_role("heading", name="Daily review")).to_be_visible()
    expect(page.get_by_text("Pick B")).to_be_visible()
    check(page, "review-question")
    page.keyboard.press("2")  # the second option, from the keyboard
    expect(page.get_by_label("Option B")).to_be_checked()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Answer: Option B", exact=True)).to_be_visible()
    expect(page.get_by_text("Explanation: EXPLAIN-SINGLE", exact=True)).to_be_visible()
    easy = page.get_by_role("button", name="4 · Easy")
    expect(easy).to_have_class("button suggested")  # right, and quick
    check(page, "review-answer")
    page.keyboard.press("3")  # the learner's own rating: Good

    expect(page.get_by_text("Recorded. This card comes back in")).to_be_visible()
    card = Card.objects.get(learner=learner)
    assert card.reviews_count == 1
    assert card.due > timezone.now()
    assert card.reviews.get().rating == 3
    check(page, "review-after")


@pytest.mark.django_db(transaction=True)
def test_a_missed_exercise_comes_back_retried_on_its_page_and_rated_from_the_keyboard(
    page: Page, live_server, curriculum_tx
):
    """An exercise's card: its prompt and missed tests, "Retry the exercise" to the exercise's page, and
    after a retry that passes its examples, "Good" suggested; axe and a 375 px phone on the card."""
    from cards.services import card_create_for_exercise_run
    from exercises.models import Run
    from progress.services import enrolment_create
    from tests.cards.test_exercise_cards import finished_run
    from tests.exercises.conftest import make_exercise

    learner = verified(UserFactory(username="retrier"))
    enrolment_create(learner=learner, start_date=timezone.now().date())
    exercise = make_exercise(max_attempts=1)
    earlier = timezone.now() - timedelta(hours=1)
    missed = finished_run(learner, exercise, passed=False, at=earlier - timedelta(minutes=1))
    card_create_for_exercise_run(run_id=missed.pk, now=earlier)
    log_in(page, live_server.url, learner.email, PASSWORD)

    page.goto(live_server.url + "/review/")
    expect(page.get_by_role("heading", name=exercise.title)).to_be_visible()
    expect(page.locator("[data-missed-tests]")).to_have_text("adds negative numbers")
    expect(page.get_by_text("No retry since this card came due.")).to_be_visible()
    check(page, "review-exercise")
    page.get_by_role("link", name="Retry the exercise").click()
    expect(page).to_have_url(live_server.url + exercise.get_absolute_url())

    finished_run(learner, exercise, kind=Run.Kind.EXAMPLES, passed=True)  # as the sandbox leaves it
    page.goto(live_server.url + "/review/")
    expect(page.get_by_text("all passed")).to_be_visible()
    expect(page.get_by_role("button", name="3 · Good")).to_have_class("button suggested")
    check(page, "review-exercise-retried")
    page.keyboard.press("3")
    expect(page.get_by_text("Recorded. This card comes back")).to_be_visible()
    card = Card.objects.get(learner=learner, exercise=exercise)
    assert card.reviews_count == 1
    assert card.reviews.get().rating == 3
