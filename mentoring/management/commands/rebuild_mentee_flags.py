from mentoring.services import MENTEE_FLAGS_REBUILD
from mentoring.tasks import rebuild_mentee_flags_range
from progress.management.rebuild_command import RebuildCommand


class Command(RebuildCommand):
    help = (
        "Recompute every enrolment's stored mentee flags (failed quiz, answers to review, project "
        "waiting), in ranges over the Celery workers (repair; safe any time)."
    )
    rebuild = MENTEE_FLAGS_REBUILD
    range_task = rebuild_mentee_flags_range
