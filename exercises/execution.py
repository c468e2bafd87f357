"""The sandbox worker's side of a run: claim it, run the code, write the result — exactly once.

A run is written only by the worker holding its claim (`Run.claim`, taken by one conditional UPDATE):
- a duplicated or redelivered task finds the run claimed (fresh claim: it retries later, in case that
  worker dies) or finished (it returns): the result is written once;
- a worker killed mid-run leaves a claim that goes stale after SANDBOX_STALE_CLAIM_SECONDS; the task,
  redelivered by the broker (acks_late) or re-queued by the sweep, takes the run over and runs it again;
- a slow worker whose claim was taken over cannot write: its UPDATEs name its own claim.
While the code runs, each test's result is written as it arrives (the page polls them).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from exercises import sandbox
from exercises.models import Exercise, Run
from exercises.signals import run_finished_announce

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What `run_execute` did: "done", "failed", "finished already", "claimed by another" (with the
    seconds until that claim goes stale) or "lost its claim"."""

    what: str
    retry_in: float = 0.0


def stale_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.SANDBOX_STALE_CLAIM_SECONDS)


def run_claim(*, run_id: int) -> uuid.UUID | None:
    """Claim the run for this worker: pending, or running under a stale claim. One statement, so two
    workers never both claim it."""
    claim = uuid.uuid4()
    claimable = Q(status=Run.Status.PENDING) | Q(status=Run.Status.RUNNING, claimed_at__lt=stale_before())
    claimed = Run.objects.filter(claimable, pk=run_id).update(
        status=Run.Status.RUNNING, claim=claim, claimed_at=timezone.now(), sandbox_runs=F("sandbox_runs") + 1,
        tests=[], limit="", error="", output_tail="",
    )  # fmt: skip
    return claim if claimed else None


def limits_of(exercise: Exercise) -> sandbox.Limits:
    return sandbox.Limits(cpu_seconds=exercise.time_limit_seconds, memory_mb=exercise.memory_limit_mb)


def run_execute(*, run_id: int) -> Outcome:
    claim = run_claim(run_id=run_id)
    if claim is None:
        current = Run.objects.filter(pk=run_id).only("status", "claimed_at").first()
        if current is None or current.is_finished or current.claimed_at is None:
            return Outcome("finished already")
        stale_at = current.claimed_at + timedelta(seconds=settings.SANDBOX_STALE_CLAIM_SECONDS)
        return Outcome(
            "claimed by another", retry_in=max(1.0, (stale_at - timezone.now()).total_seconds() + 1)
        )
    run = Run.objects.select_related("exercise").get(pk=run_id)
    exercise = run.exercise
    tests = exercise.example_tests if run.kind == Run.Kind.EXAMPLES else exercise.hidden_tests
    mine = Run.objects.filter(pk=run_id, claim=claim, status=Run.Status.RUNNING)
    reported: list[dict[str, object]] = []

    def on_test(test: sandbox.TestResult) -> None:
        reported.append(test.as_dict())
        mine.update(tests=reported)

    try:
        result = sandbox.run(
            code=run.code,
            tests=tests,
            limits=limits_of(exercise),
            packages=list(exercise.packages),
            on_test=on_test,
        )
    except sandbox.SandboxUnavailable as error:
        logger.error("Run %s could not run: %s", run_id, error)
        written = mine.update(
            status=Run.Status.FAILED,
            error=f"The sandbox is not available: {error}",
            finished_at=timezone.now(),
        )
        return Outcome("failed" if written else "lost its claim")
    return Outcome("done" if result_write(run=run, claim=claim, result=result) else "lost its claim")


def result_write(*, run: Run, claim: uuid.UUID, result: sandbox.RunResult) -> bool:
    """Write the run's result if this worker still holds its claim; False if another took it over."""
    total = len(result.tests)
    passed = result.passed_count
    percent = (
        (Decimal(100 * passed) / total).quantize(Decimal("0.01"), ROUND_HALF_UP) if total else Decimal(0)
    )
    with transaction.atomic():
        written = Run.objects.filter(pk=run.pk, claim=claim, status=Run.Status.RUNNING).update(
            status=Run.Status.DONE,
            tests=[test.as_dict() for test in result.tests],
            tests_passed=passed,
            tests_total=total,
            percent=percent,
            passed=bool(total) and percent >= run.exercise.pass_mark_percent,
            limit=result.limit,
            error=result.error,
            output_tail=result.output_tail,
            duration_ms=result.duration_ms,
            finished_at=timezone.now(),
        )
        if written and run.kind == Run.Kind.SUBMISSION:
            run_finished_announce(run_id=run.pk)
    return bool(written)
