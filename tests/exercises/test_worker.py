"""Code runs on the real broker: the sandbox queue's routing, and a result written exactly once under a
redelivered task, a sandbox worker killed mid-run, and two workers picking the same task.

Real `celery -A lms worker -Q sandbox` processes on a redis-server of the test's own
(tests/test_faults.py's `workers` fixture) and the test database."""

import time

import pytest
from django.utils import timezone

from exercises import services
from exercises.models import Run
from exercises.tasks import execute_run
from lms.celery import app
from tests.database_sessions import wait_until
from tests.exercises.conftest import REFERENCE, make_exercise
from tests.test_faults import VISIBILITY_TIMEOUT, publishing_to, workers  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("real_sandbox")

STALE_CLAIM = 4  # seconds (SANDBOX_STALE_CLAIM_SECONDS of the workers started here)
SLOW = "import time\ntime.sleep(2.5)\n" + REFERENCE  # long enough to be killed mid-run


def finished(run_id: int) -> bool:
    return Run.objects.filter(pk=run_id, status=Run.Status.DONE).exists()


def test_code_tasks_go_to_the_sandbox_queue():
    assert app.amqp.router.route({}, execute_run.name)["queue"].name == "sandbox"
    assert app.amqp.router.route({}, "assessments.tasks.grade_submission")["queue"].name == "celery"


@pytest.mark.celery_worker
def test_a_submission_is_run_by_a_real_worker_on_the_sandbox_queue(celery_worker, learner):
    exercise = make_exercise()
    run = services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, code=REFERENCE)
    wait_until(lambda: finished(run.pk), timeout=30, message="the run was not executed")
    run.refresh_from_db()
    assert (run.passed, run.tests_passed, run.sandbox_runs) == (True, 2, 1)


@pytest.mark.celery_worker
def test_a_redelivered_task_writes_the_result_once(workers, own_redis, learner):  # noqa: F811
    workers.env["SANDBOX_STALE_CLAIM_SECONDS"] = str(STALE_CLAIM)
    workers.start(queues="sandbox")
    exercise = make_exercise()
    with publishing_to(own_redis.url):
        run = services.run_create(
            learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, code=REFERENCE
        )
        wait_until(lambda: finished(run.pk), timeout=30, message="the run was not executed")
        first = Run.objects.get(pk=run.pk)
        execute_run.delay(run.pk)  # the broker hands the same task out again (or the sweep queued it)
        execute_run.delay(run.pk)
        time.sleep(2)
    again = Run.objects.get(pk=run.pk)
    assert (again.sandbox_runs, again.finished_at, again.claim, again.tests) == (
        1, first.finished_at, first.claim, first.tests
    )  # fmt: skip


@pytest.mark.celery_worker
def test_a_sandbox_worker_killed_mid_run_leaves_the_run_to_the_next_worker_which_writes_it_once(
    workers,  # noqa: F811
    own_redis,
    learner,
):
    """acks_late: the killed worker never acknowledged the task, so Redis hands it out again after the
    visibility timeout; its claim goes stale after STALE_CLAIM and the next worker takes the run over."""
    workers.env["SANDBOX_STALE_CLAIM_SECONDS"] = str(STALE_CLAIM)
    first = workers.start(queues="sandbox")
    exercise = make_exercise(time_limit_seconds=5)
    with publishing_to(own_redis.url):
        run = services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, code=SLOW)
    wait_until(
        lambda: Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING).exists(),
        timeout=30,
        message="the first worker never started the run",
    )
    workers.kill(first)
    killed_at = time.monotonic()
    time.sleep(0.5)
    assert Run.objects.get(pk=run.pk).status == Run.Status.RUNNING  # nobody wrote a result

    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - killed_at)))
    workers.start(queues="sandbox")
    wait_until(lambda: finished(run.pk), timeout=40, message="the redelivered run was not executed")
    done = Run.objects.get(pk=run.pk)
    assert (done.passed, done.sandbox_runs) == (True, 2)
    assert done.finished_at is not None
    assert done.finished_at <= timezone.now()


@pytest.mark.celery_worker
def test_two_workers_picking_the_same_task_run_it_once(workers, own_redis, learner):  # noqa: F811
    workers.env["SANDBOX_STALE_CLAIM_SECONDS"] = str(STALE_CLAIM)
    for _ in range(2):
        workers.start(queues="sandbox")
    exercise = make_exercise(time_limit_seconds=5)
    with publishing_to(own_redis.url):
        run = services.run_create(learner=learner, exercise=exercise, kind=Run.Kind.SUBMISSION, code=SLOW)
        execute_run.delay(run.pk)  # the same task twice at once: each worker takes one
    wait_until(lambda: finished(run.pk), timeout=30, message="the run was not executed")
    first = Run.objects.get(pk=run.pk)
    time.sleep(STALE_CLAIM + 2)  # the other task retried once the claim would have been stale
    after = Run.objects.get(pk=run.pk)
    assert (after.sandbox_runs, after.finished_at, after.claim) == (1, first.finished_at, first.claim)
    logs = "".join(process.log.read_text() for process in workers.started)
    assert logs.count("claimed by another") + logs.count("finished already") >= 1, logs
