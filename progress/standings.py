"""The stored standing of each enrolment (`Standing`: where the learner stands — current week, behind
or ahead, completion — and when that next changes): its one writer, the refresh on every write and when
its date comes (`refresh_due_at`), and the rebuild of every row."""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from curriculum.selectors import week_phase_numbers
from lms.id_pages import id_pages
from progress.models import Enrolment, Standing
from progress.rebuilds import Rebuild
from progress.selectors import SCHEDULE_FIELDS, standings_computed

STANDING_FIELDS = [
    "state", "planned_week", "current_week", "weeks_behind", "weeks_ahead", "weeks_completed",
    "total_weeks", "completion_percent", "phase_completion", "first_open_week", "overdue_weeks",
    "current_starts_on", "current_ends_on", "changes_on", "refresh_due_at", "refreshed_at",
]  # fmt: skip


REFRESH_BATCH = 1000


def standing_refresh(*, enrolment_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute and store the standing of these enrolments (the only writer of `Standing`).

    Each schedule is built by `schedule_for` (`build_schedule`) on the learner's own date at `now`.
    Five queries per thousand enrolments. Callers that change what a standing depends on call this in the same
    transaction; `standings_refresh_due` catches up with the passing of time. Returns how many were
    written (enrolments that no longer exist are skipped).
    """
    now = now or timezone.now()
    ids = sorted(set(enrolment_ids))
    weeks = week_phase_numbers() if ids else []
    if not weeks:
        return 0
    written = 0
    for offset in range(0, len(ids), REFRESH_BATCH):
        batch = ids[offset : offset + REFRESH_BATCH]
        enrolments = Enrolment.objects.filter(pk__in=batch).only(*SCHEDULE_FIELDS)
        rows = list(standings_computed(enrolments, at=now, weeks=weeks).values())
        Standing.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["enrolment"], update_fields=STANDING_FIELDS
        )
        written += len(rows)
    return written


def standings_refresh_due(*, now: datetime | None = None, limit: int = 20 * REFRESH_BATCH) -> int:
    """Refresh the standings whose next change has come (oldest first, at most `limit` per call).

    What the periodic task runs: a learner's week starts at their own midnight, so each row says when
    (`refresh_due_at`) and one indexed range query finds the rows due. Idempotent: a refreshed row's
    due time moves past `now`, so a second run at once finds nothing.
    """
    now = now or timezone.now()
    ids = list(
        Standing.objects.filter(refresh_due_at__lte=now)
        .order_by("refresh_due_at")
        .values_list("enrolment_id", flat=True)[:limit]
    )
    return standing_refresh(enrolment_ids=ids, now=now)


def standings_rebuild_all(*, now: datetime | None = None) -> int:
    """Recompute every enrolment's standing in this process (data migrations; small databases). The
    command and the curriculum's changes fan the same work out over workers (`STANDINGS_REBUILD`)."""
    now = now or timezone.now()
    enrolments = Enrolment.objects.all()
    return sum(
        standing_refresh(enrolment_ids=ids, now=now) for ids in id_pages(enrolments, size=REFRESH_BATCH)
    )


def standings_recompute_range(first_id: int, last_id: int, as_of: datetime) -> int:
    """Recompute the standings of the enrolments first_id..last_id (one range of a rebuild run)."""
    ids = Enrolment.objects.filter(pk__range=(first_id, last_id)).values_list("pk", flat=True)
    return standing_refresh(enrolment_ids=list(ids), now=as_of)


STANDINGS_REBUILD = Rebuild(
    kind="standings",
    rows_name="standings",
    ids=Enrolment.objects.all,
    id_field="id",
    recompute=standings_recompute_range,
)
"""Every enrolment's standing, rebuilt in ranges over workers (`progress.rebuilds`)."""
