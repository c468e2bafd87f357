"""Celery tasks of progress: keep stored standings true as time passes. Tasks take ids and are idempotent."""

import logging

from celery import shared_task

from progress import standings

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
    """Recompute every standing: after the curriculum's weeks change (their number or phases)."""
    return standings.standings_rebuild_all()
