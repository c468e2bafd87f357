"""Runs and submissions through the services and the worker's execution (in-process, the real sandbox):
attempts, the pass mark, the review option, bad input, and the claim that writes a result once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from exercises import execution, services
from exercises.models import Draft, Run
from exercises.selectors import exercise_summary_for, run_tests_for
from exercises.tasks import sweep_runs
from progress.services import enrolment_create
from tests.exercises.conftest import HIDDEN_MARKER, REFERENCE, STARTER, make_exercise

pytestmark = pytest.mark.usefixtures("real_sandbox")

WRONG = "def add(a, b):\n    return abs(a) + abs(b)\n"


@pytest.fixture
def exercise(db):
    return make_exercise()


def submit(learner, exercise, code, kind=Run.Kind.SUBMISSION):
    """Create the run and execute it here (its queued task, when eager, already ran it)."""
    run = services.run_create(learner=learner, exercise=exercise, kind=kind, code=code)
    execution.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_a_submission_runs_the_hidden_tests_and_counts_as_an_attempt(
    learner, exercise, django_capture_on_commit_callbacks
):
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    with django_capture_on_commit_callbacks(execute=False):
        wrong = submit(learner, exercise, WRONG)
    assert (wrong.status, wrong.attempt_number, wrong.enrolment_id) == (Run.Status.DONE, 1, enrolment.pk)
    assert (wrong.tests_passed, wrong.tests_total, wrong.percent, wrong.passed) == (1, 2, 50, False)
    assert [t["description"] for t in wrong.tests] == ["adds negative numbers", "adds large numbers"]
    assert HIDDEN_MARKER not in str(wrong.tests)
    assert exercise_summary_for(learner=learner, exercise=exercise).status == "failed"

    with django_capture_on_commit_callbacks(execute=False):
        right = submit(learner, exercise, REFERENCE)
    assert (right.attempt_number, right.percent, right.passed) == (2, 100, True)
    summary = exercise_summary_for(learner=learner, exercise=exercise)
    assert (summary.status, summary.attempts_used, summary.attempts_left) == ("passed", 2, 1)
    assert Draft.objects.get(learner=learner, exercise=exercise).code == REFERENCE


def test_running_the_examples_is_not_an_attempt(learner, exercise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = submit(learner, exercise, STARTER, kind=Run.Kind.EXAMPLES)
    assert (run.attempt_number, run.tests_total, run.passed) == (None, 1, False)
    assert run.tests[0]["message"] == "add(1, 2) should be 3"
    assert exercise_summary_for(learner=learner, exercise=exercise).attempts_used == 0


def test_attempts_run_out(learner, django_capture_on_commit_callbacks):
    exercise = make_exercise(max_attempts=1)
    with django_capture_on_commit_callbacks(execute=False):
        submit(learner, exercise, WRONG)
    with pytest.raises(ValidationError, match="used your only attempt"):
        services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, code=REFERENCE)
    assert Run.objects.filter(learner=learner).count() == 1


def test_the_pass_mark_is_the_share_of_hidden_tests_passed(learner, django_capture_on_commit_callbacks):
    exercise = make_exercise(pass_mark_percent=50)
    with django_capture_on_commit_callbacks(execute=False):
        assert submit(learner, exercise, WRONG).passed is True


@pytest.mark.parametrize(
    ("timing", "shown_after_failing"),
    [("after_each_attempt", True), ("when_finished", False), ("never", False)],
)
def test_the_review_option_says_when_the_learner_sees_the_failure_messages(
    learner, mentor, timing, shown_after_failing, django_capture_on_commit_callbacks
):
    exercise = make_exercise(review_failure_messages=timing, max_attempts=2)
    with django_capture_on_commit_callbacks(execute=False):
        run = submit(learner, exercise, WRONG)
    messages = [t["message"] for t in run_tests_for(viewer=learner, run=run)]
    assert messages[0] == ("adding two negative numbers goes wrong" if shown_after_failing else "")
    assert [t["passed"] for t in run_tests_for(viewer=learner, run=run)] == [False, True]  # always shown
    assert run_tests_for(viewer=mentor, run=run)[0]["message"] == "adding two negative numbers goes wrong"
    with django_capture_on_commit_callbacks(execute=False):
        submit(learner, exercise, WRONG)  # the last attempt: finished
    finished = run_tests_for(viewer=learner, run=run)[0]["message"]
    assert finished == ("" if timing == "never" else "adding two negative numbers goes wrong")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (None, "Send the code as a string."),
        ("x = 1\x00", "NUL character"),
        ("x = '\ud800'", "lone surrogate"),
        ("x" * 100_001, "longer than 100,000"),
    ],
)
def test_bad_code_is_refused_and_nothing_is_saved(learner, exercise, code, error):
    with pytest.raises(ValidationError, match=error):
        services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, code=code)
    assert not Run.objects.exists()


def test_an_unpublished_exercise_cannot_be_run(learner):
    exercise = make_exercise(published=False)
    with pytest.raises(ValidationError, match="not open yet"):
        services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.EXAMPLES, code=REFERENCE)


def test_a_learner_has_at_most_three_runs_waiting(learner, exercise, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(services.UNFINISHED_RUNS_PER_LEARNER):
            services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.EXAMPLES, code=REFERENCE)
        with pytest.raises(services.TooManyRuns):
            services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.EXAMPLES, code=REFERENCE)


def test_a_run_is_executed_once_a_second_execution_changes_nothing(
    learner, exercise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = submit(learner, exercise, REFERENCE)
    assert execution.run_execute(run_id=run.pk).what == "finished already"
    again = Run.objects.get(pk=run.pk)
    assert (again.sandbox_runs, again.finished_at, again.claim) == (1, run.finished_at, run.claim)


def test_a_fresh_claim_is_left_to_its_worker_and_a_stale_one_is_taken_over(
    learner, exercise, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.run_create(
            learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, code=REFERENCE
        )
    first_claim = execution.run_claim(run_id=run.pk)  # a worker claimed it, then died
    assert first_claim is not None
    outcome = execution.run_execute(run_id=run.pk)
    assert outcome.what == "claimed by another"
    assert 1 <= outcome.retry_in <= settings.SANDBOX_STALE_CLAIM_SECONDS + 1
    assert sweep_runs() == 0  # nothing stale yet

    Run.objects.filter(pk=run.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.SANDBOX_STALE_CLAIM_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert sweep_runs() == 1
    assert execution.run_execute(run_id=run.pk).what == "done"
    run.refresh_from_db()
    assert (run.status, run.passed, run.sandbox_runs) == (Run.Status.DONE, True, 2)
    assert run.claim != first_claim


def test_a_worker_that_lost_its_claim_cannot_write(learner, exercise, django_capture_on_commit_callbacks):
    from exercises import sandbox

    with django_capture_on_commit_callbacks(execute=False):
        run = services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, code=WRONG)
    slow_claim = execution.run_claim(run_id=run.pk)
    Run.objects.filter(pk=run.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert execution.run_execute(run_id=run.pk).what == "done"  # another worker took it over
    result = sandbox.RunResult(
        tests=[sandbox.TestResult(name="test_negative_numbers", description="", passed=True)]
    )
    assert execution.result_write(run=run, claim=slow_claim, result=result) is False
    run.refresh_from_db()
    assert (run.tests_passed, run.passed) == (1, False)


def test_with_the_sandbox_missing_the_run_fails_clearly_and_is_no_attempt(
    learner, exercise, settings, django_capture_on_commit_callbacks
):
    settings.SANDBOX_BWRAP = "/nonexistent/bwrap"
    with django_capture_on_commit_callbacks(execute=False):
        run = submit(learner, exercise, REFERENCE)
    assert run.status == Run.Status.FAILED
    assert "sandbox is not available" in run.error
    assert exercise_summary_for(learner=learner, exercise=exercise).attempts_used == 0


def test_staff_check_an_exercise_reference_passes_and_starter_fails(
    staff, exercise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        reference, starter = services.exercise_check(exercise=exercise, staff=staff)
    for run in (reference, starter):
        execution.run_execute(run_id=run.pk)
        run.refresh_from_db()
    assert (reference.passed, starter.passed) == (True, False)
    assert starter.tests_passed < starter.tests_total
