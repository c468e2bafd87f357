"""Events of assessments that higher apps react to without assessments importing them.

`submission_graded` is sent once a submission is fully graded (automatically, or by the review of its
last free-text answer), after the grading's transaction commits, with `submission_id` and
`answers_shown`: whether the learner may now see its correct answers (`review.learner_review`, at the
grading). Receivers must be quick and must not fail the grading: they queue work by id (the `cards` app
queues the creation of review cards, when the answers are shown). A receiver's error is logged, never
raised into the grading.

`quiz_records_refreshed` is sent by `records.quiz_record_refresh`, inside its transaction, with
`quiz_flags` (learner id → `selectors.quiz_flags_of` their new record: failed quiz, reviews waiting):
receivers keep stored state computed from quiz records (mentoring's flags) in the same transaction, so a
receiver's error fails the write like any other part of it.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

from assessments.models import Submission
from assessments.review import AttemptsState, learner_review

logger = logging.getLogger(__name__)

submission_graded = Signal()
quiz_records_refreshed = Signal()


def submission_graded_announce(*, submission: Submission, attempts: AttemptsState | None = None) -> None:
    """Send `submission_graded` for this graded submission (its quiz loaded) once the current transaction
    commits (at once outside one). Whether its answers are shown is decided now, in the grading's
    transaction (a query at most: none with `attempts`, the learner's attempts state at the quiz), where
    a receiver's task would have been a second task a grading."""
    submission_id = submission.pk
    answers_shown = learner_review(submission=submission, attempts=attempts).correct_answers

    def send() -> None:
        results = submission_graded.send_robust(
            sender=None, submission_id=submission_id, answers_shown=answers_shown
        )
        for receiver, result in results:
            if isinstance(result, Exception):
                logger.error("submission_graded receiver %r failed: %s", receiver, result)

    transaction.on_commit(send)
