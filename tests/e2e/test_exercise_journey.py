"""A code exercise in a real browser, on the real sandbox and a real Celery worker: the learner opens
week 5, writes a BPE merge step in the editor, runs the examples, submits, sees which hidden tests
failed (their messages, never their code), fixes it and passes; the draft is kept. axe finds no
violation and the page fits 375 px, in every state."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exercises.models import Exercise, Run
from progress.services import enrolment_create
from tests.e2e.test_journeys import DESKTOP, check, log_in, verified
from tests.exercises.conftest import sandbox_or_skip
from tests.factories import PASSWORD, UserFactory

BPE_MERGE_STEP = 6  # fixtures/exercises.json
FIRST_OCCURRENCE_ONLY = """def merge_pair(words, pair):
    merged = {}
    for word, count in words.items():
        symbols = list(word)
        for i in range(len(symbols) - 1):
            if (symbols[i], symbols[i + 1]) == pair:
                symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
                break
        merged[tuple(symbols)] = merged.get(tuple(symbols), 0) + count
    return merged
"""
EVERY_OCCURRENCE = """def merge_pair(words, pair):
    merged = {}
    for word, count in words.items():
        symbols, i = [], 0
        while i < len(word):
            if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
                symbols.append(word[i] + word[i + 1])
                i += 2
            else:
                symbols.append(word[i])
                i += 1
        merged[tuple(symbols)] = merged.get(tuple(symbols), 0) + count
    return merged
"""


def write(page: Page, code: str) -> None:
    """Replace the editor's text, as a learner pasting their code (no auto-indent of typed lines)."""
    editor = page.get_by_role("textbox", name="solution.py, your code")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_week_5_bpe_merge_step_from_first_try_to_passed(page: Page, live_server, celery_worker):
    sandbox_or_skip()
    base = live_server.url
    learner = verified(UserFactory(username="ada", email="ada@example.com"))
    enrolment_create(learner=learner, start_date=timezone.now().date() - timezone.timedelta(weeks=4))
    exercise = Exercise.objects.get(pk=BPE_MERGE_STEP)
    page.set_viewport_size(DESKTOP)
    log_in(page, base, learner.email, PASSWORD)

    page.goto(base + "/my/weeks/5/")
    check(page, "exercise-week-5")
    page.get_by_role("link", name=exercise.title).click()
    expect(page.get_by_role("heading", name=exercise.title, level=1)).to_be_visible()
    expect(page.locator(".cm-editor")).to_be_visible()  # CodeMirror replaced the plain text area
    check(page, "exercise-page")

    # A first try that merges only the first occurrence: the examples pass …
    write(page, FIRST_OCCURRENCE_ONLY)
    page.get_by_role("button", name="Run examples").click()
    results = page.locator("#results")
    expect(results.get_by_text("2 of 2 tests passed")).to_be_visible(timeout=30_000)
    assert Run.objects.get(learner=learner).attempt_number is None  # not an attempt

    # … the hidden tests do not: which ones, and why, without their code.
    page.get_by_role("button", name="Submit (attempt 1 of 10)").click()
    expect(results.get_by_text("not passed yet")).to_be_visible(timeout=30_000)
    failed = results.locator("li.fail")
    expect(failed.filter(has_text="merges every occurrence in a word, not just the first")).to_contain_text(
        "merging (l, o) in l o l o should give (lo, lo)"
    )
    expect(results.locator("li.pass").filter(has_text="the corpus given is not modified")).to_be_visible()
    assert "test_every_occurrence" not in page.content()  # the hidden test's code never reaches the page
    expect(page.get_by_role("button", name="Submit (attempt 2 of 10)")).to_be_visible()
    check(page, "exercise-failed")

    # The fix, with Ctrl+Enter to run the examples from the keyboard, then the submission passes.
    write(page, EVERY_OCCURRENCE)
    page.keyboard.press("Control+Enter")
    expect(results.get_by_text("2 of 2 tests passed")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Submit (attempt 2 of 10)").click()
    expect(results.get_by_text("5 of 5 tests passed — passed.")).to_be_visible(timeout=30_000)
    expect(page.locator(".exercise-status .tag.ok")).to_have_text("Passed")
    check(page, "exercise-passed")

    # The draft is kept: the page opens with the learner's last code.
    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("symbols, i = [], 0")
    run = Run.objects.filter(learner=learner, kind="submission").order_by("-attempt_number").first()
    assert run is not None
    assert (run.attempt_number, run.passed, run.tests_passed) == (2, True, 5)
    page.get_by_role("link", name="Attempt 2", exact=False).first.click()
    expect(page.get_by_text("5 of 5 tests passed")).to_be_visible()
    check(page, "exercise-run-page")
