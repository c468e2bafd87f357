from assessments.records import QUIZ_RECORDS_REBUILD
from assessments.tasks import rebuild_quiz_records_range
from progress.management.rebuild_command import RebuildCommand


class Command(RebuildCommand):
    help = (
        "Recompute every learner's stored quiz record from their submissions, in ranges over the Celery "
        "workers (repair; safe any time: a run under way is joined, a half-done one finished)."
    )
    rebuild = QUIZ_RECORDS_REBUILD
    range_task = rebuild_quiz_records_range
