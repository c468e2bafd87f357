"""Events of exercises that higher apps react to without exercises importing them.

`run_finished` is sent once a submission (an attempt, not a "Run examples") has its result, after the
transaction that wrote it commits, with `run_id`. Receivers queue work by id and must not fail the
grading: a receiver's error is logged, never raised.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

run_finished = Signal()


def run_finished_announce(*, run_id: int) -> None:
    def send() -> None:
        for receiver, result in run_finished.send_robust(sender=None, run_id=run_id):
            if isinstance(result, Exception):
                logger.error("run_finished receiver %r failed: %s", receiver, result)

    transaction.on_commit(send)
