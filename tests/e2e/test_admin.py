"""Admin pages in a real browser: questions show the fields of their kind, new rows are numbered in order,
a quiz can be previewed as a learner sees it, one Accounts section, the mentees widget's label in place."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import DESKTOP, log_in, run_axe, verified
from tests.factories import PASSWORD, MentorFactory, StaffFactory


@pytest.fixture
def admin_page(page: Page, live_server, curriculum_tx) -> Page:
    page.set_viewport_size(DESKTOP)
    staff = verified(StaffFactory(username="root"))
    log_in(page, live_server.url, staff.email, PASSWORD)
    return page


@pytest.mark.django_db(transaction=True)
def test_a_question_shows_the_fields_of_its_kind(admin_page: Page, live_server):
    from assessments.models import Question

    question = Question.objects.filter(kind="single").first()
    admin_page.goto(f"{live_server.url}/admin/assessments/question/{question.pk}/change/")
    kind = admin_page.get_by_label("Kind")
    numeric, accepted, choices = (
        admin_page.locator(".form-row.field-numeric_answer"),
        admin_page.locator(".form-row.field-accepted_answers"),
        admin_page.locator("#choices-group"),
    )
    expect(choices).to_be_visible()
    expect(numeric).to_be_hidden()
    expect(accepted).to_be_hidden()

    # Saved choices stay in sight when the kind changes: their error must be readable.
    kind.select_option("numeric")
    expect(numeric).to_be_visible()
    expect(accepted).to_be_hidden()
    kind.select_option("short_text")
    expect(accepted).to_be_visible()
    expect(numeric).to_be_hidden()

    fresh = admin_page.context.new_page()
    fresh.goto(f"{live_server.url}/admin/assessments/question/add/")
    expect(fresh.locator("#choices-group")).to_be_visible()  # single choice by default
    fresh.get_by_label("Kind").select_option("free_text")
    expect(fresh.locator("#choices-group")).to_be_hidden()
    expect(fresh.locator(".form-row.field-numeric_answer")).to_be_hidden()
    expect(fresh.locator(".form-row.field-accepted_answers")).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_new_choice_rows_are_numbered_after_the_last(admin_page: Page, live_server):
    from assessments.models import Question

    question = Question.objects.filter(kind="single").first()
    last = max(question.choices.values_list("order", flat=True))
    admin_page.goto(f"{live_server.url}/admin/assessments/question/{question.pk}/change/")
    add = admin_page.locator("#choices-group .add-row a")
    add.click()
    add.click()
    count = question.choices.count()
    expect(admin_page.locator(f"input[name='choices-{count}-order']")).to_have_value(str(last + 1))
    expect(admin_page.locator(f"input[name='choices-{count + 1}-order']")).to_have_value(str(last + 2))


@pytest.mark.django_db(transaction=True)
def test_a_quiz_is_previewed_as_a_learner_sees_it(admin_page: Page, live_server):
    from assessments.models import Quiz

    quiz = Quiz.objects.get(week__number=1)
    admin_page.goto(f"{live_server.url}/admin/assessments/quiz/{quiz.pk}/change/")
    admin_page.get_by_role("link", name="See the quiz as a learner sees it").click()
    expect(admin_page.get_by_role("heading", name=quiz.title)).to_be_visible()
    expect(admin_page.get_by_text("Preview: this is the quiz as a learner sees it")).to_be_visible()
    expect(admin_page.get_by_label("1. Compute the dot product")).to_be_visible()
    expect(admin_page.get_by_role("button", name="Submit answers")).to_be_disabled()
    run_axe(admin_page, "quiz preview")


@pytest.mark.django_db(transaction=True)
def test_one_accounts_section_and_the_mentees_label_beside_its_widget(admin_page: Page, live_server):
    admin_page.goto(live_server.url + "/admin/")
    sections = admin_page.locator("#content-main caption").all_inner_texts()
    assert [s.strip().lower() for s in sections].count("accounts") == 1, sections
    assert "sites" not in [s.strip().lower() for s in sections]
    accounts = admin_page.locator(
        "#content-main .module", has=admin_page.locator("caption", has_text="Accounts")
    )
    for model in ("Users", "E-mail addresses", "Groups", "API tokens"):
        expect(accounts.get_by_role("link", name=model, exact=True)).to_be_visible()

    mentor = MentorFactory(username="grace")
    admin_page.goto(f"{live_server.url}/admin/accounts/user/{mentor.pk}/change/")
    label = admin_page.locator(".field-mentees label[for='id_mentees']").bounding_box()
    selector = admin_page.locator(".field-mentees .selector").bounding_box()
    assert label
    assert selector
    assert label["x"] + label["width"] <= selector["x"], (label, selector)  # the label on the left
    assert abs(label["y"] - selector["y"]) < 40, (label, selector)  # on the same line
