"""Celery tasks of progress: keep stored standings true as time passes. Tasks take ids and are idempotent."""

import logging

from celery import shared_task

from lms.celery import check_connection_before
from progress import rebuilds, standings

logger = logging.getLogger(__name__)


@shared_task(name="progress.tasks.refresh_due_standings")
def refresh_due_standings() -> int:
    """Refresh every standing whose next change has come (the beat runs it every quarter hour: learners'
    midnights fall on quarter hours in every time zone). Running it twice at once only repeats work:
    both write the same computed rows."""
    refreshed = 0
    while written := standings.standings_refresh_due():
        refreshed += written
    if refreshed:
        logger.info("Standings: %s refreshed", refreshed)
    return refreshed


@shared_task(name="progress.tasks.rebuild_all_standings", ignore_result=True)
def rebuild_all_standings() -> int:
    """Recompute every standing, fanned out in ranges (`rebuild_standings_range`): after the
    curriculum's weeks change (their number or phases). A run under way is restarted: the ranges it has
    done were computed on the weeks before the change. Returns the number of ranges queued."""
    run, _ = rebuilds.rebuild_run_start(standings.STANDINGS_REBUILD, restart=True)
    return rebuilds.rebuild_ranges_enqueue(run, rebuild_standings_range)


@shared_task(name="progress.tasks.rebuild_standings_range", ignore_result=True)
def rebuild_standings_range(range_id: int) -> int | None:
    """Recompute one range of a standings rebuild run (`progress.rebuilds`); a no-op when it is done
    or being done."""
    return rebuilds.rebuild_range_do(standings.STANDINGS_REBUILD, range_id=range_id)


check_connection_before(rebuild_standings_range)
