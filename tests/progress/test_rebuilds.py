"""Rebuilds fanned out over a real Celery worker (Redis) in id ranges (`progress.rebuilds`): the command
queues the ranges and follows them; a range done twice writes the same rows; a run whose range failed
is finished by `--resume`, redoing only that range; two commands at once do every range once."""

import io
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from assessments.models import Quiz, QuizRecord, Submission
from progress import standings
from progress.models import Enrolment, RebuildRange, RebuildRun, Standing
from progress.rebuilds import rebuild_range_do, rebuild_run_start
from progress.services import enrolment_create
from tests.factories import UserFactory

pytestmark = pytest.mark.celery_worker


def enrolments(count: int) -> list[Enrolment]:
    today = date.today()
    return [
        enrolment_create(learner=UserFactory(), start_date=today - timedelta(weeks=n % 7))
        for n in range(count)
    ]


def standing_rows() -> list[tuple[Any, ...]]:
    fields = [f.attname for f in Standing._meta.concrete_fields if f.name != "refreshed_at"]
    return list(Standing.objects.order_by("pk").values_list(*fields))


def spoil_standings() -> None:
    Standing.objects.update(state="completed", weeks_behind=9, current_week=None, overdue_weeks=[1])


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.1)


class Recomputations(Counter[int]):
    """Each range's recomputations by the worker (first id → calls); a first id in `fail_once` fails
    its first time, having written its rows, as a worker killed mid-range leaves it."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_once: set[int] = set()


@pytest.fixture
def recomputed(monkeypatch: pytest.MonkeyPatch) -> Recomputations:
    """Counts the recomputations of standings' ranges: the worker runs in a thread of this process."""
    calls = Recomputations()
    recompute = standings.STANDINGS_REBUILD.recompute

    def counted(first_id: int, last_id: int, as_of: datetime) -> int:
        calls[first_id] += 1
        if first_id in calls.fail_once and calls[first_id] == 1:
            standings.standing_refresh(enrolment_ids=range(first_id, last_id + 1), now=as_of)
            raise RuntimeError("the worker died mid-range")
        time.sleep(0.05)  # (so that two commands overlap)
        return recompute(first_id, last_id, as_of)

    rebuild = replace(standings.STANDINGS_REBUILD, recompute=counted)
    monkeypatch.setattr(standings, "STANDINGS_REBUILD", rebuild)
    return calls


def test_the_command_fans_ranges_out_to_the_worker_and_shows_progress(celery_worker, recomputed):
    made = enrolments(5)
    fresh = standing_rows()
    spoil_standings()
    out = io.StringIO()

    call_command("rebuild_standings", range_size=2, stdout=out)

    assert standing_rows() == fresh
    assert sorted(recomputed.items()) == [(made[0].pk, 1), (made[2].pk, 1), (made[4].pk, 1)]
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Started the standings rebuild")
    assert lines[0].endswith("0/3 ranges, 0 of 5 standings.")
    assert "3 range(s) queued." in lines
    assert "3/3 ranges, 5 of 5 standings" in lines
    assert lines[-1].startswith("5 standings rebuilt in")
    run = RebuildRun.objects.get()
    assert run.finished_at is not None
    assert list(run.ranges.values_list("first_id", "last_id", "rows", "written")) == [
        (made[0].pk, made[1].pk, 2, 2), (made[2].pk, made[3].pk, 2, 2), (made[4].pk, made[4].pk, 1, 1),
    ]  # fmt: skip


def test_a_range_recomputed_twice_writes_the_same_rows(celery_worker):
    from progress.tasks import rebuild_standings_range

    enrolments(3)
    spoil_standings()
    run, _ = rebuild_run_start(standings.STANDINGS_REBUILD, size=3)
    (part,) = run.ranges.all()

    rebuild_standings_range.delay(part.pk)
    wait_until(lambda: RebuildRange.objects.filter(pk=part.pk, done_at__isnull=False).exists())
    once = standing_rows()
    RebuildRange.objects.filter(pk=part.pk).update(done_at=None)
    RebuildRun.objects.filter(pk=run.pk).update(finished_at=None)
    rebuild_standings_range.delay(part.pk)
    wait_until(lambda: RebuildRange.objects.filter(pk=part.pk, done_at__isnull=False).exists())

    assert standing_rows() == once
    assert Standing.objects.filter(state="completed").count() == 0


def test_a_run_whose_range_failed_is_finished_by_resume_which_redoes_that_range_only(
    celery_worker, recomputed
):
    made = enrolments(5)
    fresh = standing_rows()
    spoil_standings()
    recomputed.fail_once.add(made[2].pk)

    call_command("rebuild_standings", range_size=2, no_wait=True, stdout=io.StringIO())
    wait_until(
        lambda: sum(recomputed.values()) == 3
        and RebuildRange.objects.filter(done_at__isnull=False).count() == 2
    )
    time.sleep(0.3)  # (the failed task's transaction is rolled back by then)

    run = RebuildRun.objects.get()
    assert run.finished_at is None
    (failed,) = run.ranges.filter(done_at=None)
    assert failed.first_id == made[2].pk
    assert "the worker died mid-range" in failed.last_error
    assert Standing.objects.filter(state="completed").count() == 2  # the failed range wrote nothing
    out = io.StringIO()

    call_command("rebuild_standings", resume=True, stdout=out)

    assert standing_rows() == fresh
    assert recomputed == Counter({made[0].pk: 1, made[2].pk: 2, made[4].pk: 1})
    assert out.getvalue().startswith(f"Continuing the standings rebuild (run {run.pk}")
    assert "1 range(s) queued." in out.getvalue()
    run.refresh_from_db()
    assert run.finished_at is not None
    assert not run.ranges.exclude(last_error="").exists()


def test_a_waiting_command_stops_with_the_error_of_a_failed_range(celery_worker, recomputed):
    made = enrolments(3)
    recomputed.fail_once.add(made[0].pk)
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 range\\(s\\) failed and wrote nothing"):
        call_command("rebuild_standings", range_size=2, stdout=io.StringIO(), stderr=err)

    assert f"Ids {made[0].pk}–{made[1].pk}: RuntimeError('the worker died mid-range')" in err.getvalue()
    assert RebuildRun.objects.get().finished_at is None


def test_two_commands_at_once_do_every_range_once(celery_worker, recomputed):
    made = enrolments(6)
    fresh = standing_rows()
    spoil_standings()
    outputs = [io.StringIO(), io.StringIO()]

    def command(out: io.StringIO) -> None:
        try:
            call_command("rebuild_standings", range_size=2, stdout=out)
        finally:
            connection.close()

    threads = [threading.Thread(target=command, args=(out,)) for out in outputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert standing_rows() == fresh
    assert recomputed == Counter({made[0].pk: 1, made[2].pk: 1, made[4].pk: 1})
    assert RebuildRun.objects.count() == 1
    firsts = sorted(out.getvalue().split(" the ")[0] for out in outputs)
    assert firsts == ["Continuing", "Started"]
    assert all("3/3 ranges, 6 of 6 standings" in out.getvalue() for out in outputs)


def test_the_quiz_records_rebuild_fans_out_too_and_a_range_twice_is_the_same(celery_worker):
    from assessments.tasks import rebuild_quiz_records_range

    quiz = Quiz.objects.filter(is_published=True, week__number=1).get()
    for enrolment in enrolments(3):
        for percent, passed in ((40, False), (90, True)):
            Submission.objects.create(
                learner=enrolment.learner, quiz=quiz, enrolment=enrolment, status=Submission.Status.GRADED,
                attempt_number=1 + passed, score=percent, max_score=100, percent=percent, passed=passed,
                graded_at=timezone.now(),
            )  # fmt: skip
    record_fields = [
        f.attname for f in QuizRecord._meta.concrete_fields if f.name not in ("id", "refreshed_at")
    ]
    QuizRecord.objects.all().delete()
    out = io.StringIO()

    call_command("rebuild_quiz_records", range_size=2, stdout=out)

    fresh = list(QuizRecord.objects.order_by("learner_id").values_list(*record_fields))
    assert [row[record_fields.index("last_status")] for row in fresh] == ["passed"] * 3
    assert "2/2 ranges, 3 of 3 quiz records" in out.getvalue()
    first_range = RebuildRange.objects.order_by("first_id")[0]
    RebuildRange.objects.filter(pk=first_range.pk).update(done_at=None)
    RebuildRun.objects.update(finished_at=None)
    rebuild_quiz_records_range.delay(first_range.pk)
    wait_until(lambda: RebuildRun.objects.filter(finished_at__isnull=False).exists())
    assert list(QuizRecord.objects.order_by("learner_id").values_list(*record_fields)) == fresh


@pytest.mark.django_db
def test_inline_does_every_range_here_and_resume_without_a_run_says_so():
    enrolments(3)
    fresh = standing_rows()
    spoil_standings()
    out = io.StringIO()

    call_command("rebuild_standings", resume=True, stdout=out)
    assert out.getvalue() == "No unfinished standings rebuild to resume.\n"
    call_command("rebuild_standings", inline=True, range_size=2, stdout=out)

    assert standing_rows() == fresh
    assert RebuildRun.objects.get().finished_at is not None


@pytest.mark.django_db
def test_restart_ends_the_unfinished_run_whose_tasks_then_do_nothing():
    enrolments(2)
    old, _ = rebuild_run_start(standings.STANDINGS_REBUILD, size=1)
    new, created = rebuild_run_start(standings.STANDINGS_REBUILD, restart=True, size=1)
    assert created
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.finished_at is not None
    assert rebuild_range_do(standings.STANDINGS_REBUILD, range_id=old.ranges.all()[0].pk) is None
    assert rebuild_range_do(standings.STANDINGS_REBUILD, range_id=new.ranges.all()[0].pk) == 1
    assert rebuild_run_start(standings.STANDINGS_REBUILD) == (new, False)
