"""Events of assessments that higher apps react to without assessments importing them.

`submission_graded` is sent once a submission is fully graded (automatically, or by the review of its
last free-text answer), after the grading's transaction commits, with `submission_id`. Receivers must
be quick and must not fail the grading: they queue work by id (the `cards` app queues the creation of
review cards). A receiver's error is logged, never raised into the grading.

`quiz_records_refreshed` is sent by `services.quiz_record_refresh`, inside its transaction, with
`quiz_flags` (learner id → `selectors.quiz_flags_of` their new record: failed quiz, reviews waiting):
receivers keep stored state computed from quiz records (mentoring's flags) in the same transaction, so a
receiver's error fails the write like any other part of it.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

submission_graded = Signal()
quiz_records_refreshed = Signal()


def submission_graded_announce(*, submission_id: int) -> None:
    """Send `submission_graded` once the current transaction commits (at once outside one)."""

    def send() -> None:
        for receiver, result in submission_graded.send_robust(sender=None, submission_id=submission_id):
            if isinstance(result, Exception):
                logger.error("submission_graded receiver %r failed: %s", receiver, result)

    transaction.on_commit(send)
