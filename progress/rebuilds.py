"""Rebuilds of stored rows, fanned out over workers in id ranges: a run (`RebuildRun`) cuts the ids of
a kind of stored row into ranges (`lms.id_pages`, as the reminders page their candidates), one task
recomputes each range, and the run records which are done.

What each kind is — where its ids come from, and what recomputes one range — is told by its owning app
(`Rebuild`: `progress.standings.STANDINGS_REBUILD`, `assessments.records.QUIZ_RECORDS_REBUILD`,
`mentoring.flags_rebuild.MENTEE_FLAGS_REBUILD`); this module knows none of them.

- **Idempotent.** A range is recomputed from the rows as they are, as of its run's `as_of`, and
  upserted: done twice, it writes the same rows.
- **Once.** A range is done in one transaction that holds its row locked (`SKIP LOCKED`: a second task
  for it moves on) and marks it done; a task for a done range does nothing. A second command while a
  run is unfinished joins that run (one unfinished run per kind: a unique constraint).
- **Resumable.** A killed worker's transaction dies with its connection: its range is neither written
  nor marked, and its message is delivered again (`acks_late`) or the next command (`--resume`, or any
  rerun) queues every range not done.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from lms.id_pages import id_pages
from progress.models import RebuildRange, RebuildRun

RANGE_SIZE = 1000
"""Ids a range: a range's cost is mostly per row (a thousand standings: about half a second), and a
few queries are per range."""


@dataclass(frozen=True)
class Rebuild:
    """A kind of stored row that is rebuilt in id ranges, as its owning app describes it."""

    kind: str
    """The run's name (`RebuildRun.kind`): "standings"."""
    rows_name: str
    """What the progress counts: "standings"."""
    ids: Callable[[], QuerySet[Any]]
    """The rows whose `id_field` values are the ids to cover (distinct, if a value repeats)."""
    id_field: str
    recompute: Callable[[int, int, datetime], int]
    """Recompute and store the rows of the ids first..last (inclusive) as of an instant, in the
    caller's transaction; returns how many it wrote."""


@dataclass(frozen=True)
class RebuildProgress:
    rows_name: str
    ranges_done: int
    ranges: int
    rows_done: int
    rows: int
    written: int
    """Rows the done ranges wrote (ids without a row to write — no curriculum yet, say — write none)."""
    finished: bool
    failed: int
    """Ranges not done whose last try failed."""

    def __str__(self) -> str:
        return (
            f"{self.ranges_done}/{self.ranges} ranges, {self.rows_done:,} of {self.rows:,} {self.rows_name}"
        )


def rebuild_run_unfinished(rebuild: Rebuild) -> RebuildRun | None:
    return RebuildRun.objects.filter(kind=rebuild.kind, finished_at=None).first()


def rebuild_run_start(
    rebuild: Rebuild, *, restart: bool = False, size: int = RANGE_SIZE, now: datetime | None = None
) -> tuple[RebuildRun, bool]:
    """The kind's unfinished run, or a new one with its ranges cut (then `True`).

    `restart` ends the unfinished run first (what its ranges wrote stays; its tasks still queued find
    it ended and do nothing): after a change that makes rows already rebuilt stale (the curriculum's
    weeks). Two callers at once get the same run: the second's insert waits for the
    first's and is refused by the unique constraint."""
    as_of = now or timezone.now()
    if not restart and (run := rebuild_run_unfinished(rebuild)):
        return run, False
    try:
        with transaction.atomic():
            if restart:
                RebuildRun.objects.filter(kind=rebuild.kind, finished_at=None).update(finished_at=as_of)
            run = RebuildRun.objects.create(kind=rebuild.kind, as_of=as_of, rows=0)
            ranges = [
                RebuildRange(run=run, first_id=ids[0], last_id=ids[-1], rows=len(ids))
                for ids in id_pages(rebuild.ids(), size=size, field=rebuild.id_field)
            ]
            RebuildRange.objects.bulk_create(ranges)
            run.rows = sum(part.rows for part in ranges)
            run.finished_at = None if ranges else as_of
            run.save(update_fields=["rows", "finished_at"])
    except IntegrityError:
        run = rebuild_run_unfinished(rebuild)
        if run is None:  # (it finished between the refusal and this read: nothing left to join)
            raise
        return run, False
    return run, True


def rebuild_errors(run: RebuildRun) -> list[tuple[int, int, str]]:
    """The ranges not done whose last try failed: (first id, last id, the error)."""
    failed = run.ranges.filter(done_at=None).exclude(last_error="").order_by("first_id")
    return list(failed.values_list("first_id", "last_id", "last_error"))


def rebuild_ranges_to_do(run: RebuildRun) -> list[int]:
    """The ids of the run's ranges not done yet, in id order."""
    return list(run.ranges.filter(done_at=None).order_by("first_id").values_list("pk", flat=True))


def rebuild_ranges_enqueue(run: RebuildRun, task: Any) -> int:
    """Queue `task(range_id)` for each range of the run not done yet; returns how many. Queueing a
    range that is queued already, or being done, costs a message and nothing more. A failed range
    queued again is no longer counted as failed (until it fails again)."""
    to_do = rebuild_ranges_to_do(run)
    run.ranges.filter(pk__in=to_do).exclude(last_error="").update(last_error="")
    for range_id in to_do:
        task.delay(range_id)
    return len(to_do)


def rebuild_range_do(rebuild: Rebuild, *, range_id: int) -> int | None:
    """Recompute one range of a run and mark it done, in one transaction: returns the rows written, or
    None when there is nothing to do (done already, another worker holds it, its run ended by a
    restart, or gone). What the range's task runs. A recomputation that raises writes nothing (its
    savepoint is rolled back), records the error on the range (`last_error`) and raises it again."""
    with transaction.atomic():
        claimed = (
            RebuildRange.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=range_id, done_at=None, run__kind=rebuild.kind, run__finished_at=None)
            .values_list("first_id", "last_id", "run__as_of", "run_id")
            .first()
        )
        if claimed is None:
            return None
        first_id, last_id, as_of, run_id = claimed
        failed: Exception | None = None
        try:
            with transaction.atomic():
                written = rebuild.recompute(first_id, last_id, as_of)
        except Exception as error:
            # Nothing of the range was written; say why where the command that waits can read it.
            RebuildRange.objects.filter(pk=range_id).update(last_error=repr(error)[:2000])
            failed = error
        else:
            RebuildRange.objects.filter(pk=range_id).update(
                done_at=timezone.now(), written=written, last_error=""
            )
    if failed is not None:
        raise failed
    rebuild_run_finish_if_done(run_id)
    return written


def rebuild_run_finish_if_done(run_id: int) -> bool:
    """Mark the run finished if every range is done. Each range's task asks after committing: of two
    last ranges committing together, the one asking last sees both done."""
    ranges_left = RebuildRange.objects.filter(run=OuterRef("pk"), done_at=None)
    return bool(
        RebuildRun.objects.filter(pk=run_id, finished_at=None)
        .exclude(Exists(ranges_left))
        .update(finished_at=timezone.now())
    )


def rebuild_progress(rebuild: Rebuild, run: RebuildRun) -> RebuildProgress:
    """How far the run is (two queries)."""
    done = Q(done_at__isnull=False)
    counts = run.ranges.aggregate(
        ranges=Count("pk"),
        ranges_done=Count("pk", filter=done),
        rows_done=Sum("rows", filter=done, default=0),
        written=Sum("written", filter=done, default=0),
        failed=Count("pk", filter=Q(done_at=None) & ~Q(last_error="")),
    )
    return RebuildProgress(
        rows_name=rebuild.rows_name,
        ranges_done=counts["ranges_done"],
        ranges=counts["ranges"],
        rows_done=counts["rows_done"],
        rows=run.rows,
        written=counts["written"],
        finished=RebuildRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists(),
        failed=counts["failed"],
    )
