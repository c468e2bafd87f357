from progress.management.rebuild_command import RebuildCommand
from progress.standings import STANDINGS_REBUILD
from progress.tasks import rebuild_standings_range


class Command(RebuildCommand):
    help = (
        "Recompute every enrolment's stored standing from its schedule, in ranges over the Celery workers "
        "(repair, curriculum changes; safe any time: a run under way is joined, a half-done one finished)."
    )
    rebuild = STANDINGS_REBUILD
    range_task = rebuild_standings_range
