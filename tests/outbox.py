"""Sending the outbox in the test's own process: what the outbox's worker does after a commit."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.test import TestCase

from lms.celery import app


@contextmanager
def outbox_sent_here() -> Iterator[None]:
    """E-mails enqueued in the block are sent in this process when it ends (inside a test's transaction,
    whose commit never comes) or at once (outside one): their on-commit callbacks run, and the sending
    task they queue runs eagerly."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        app.conf.task_always_eager = before
