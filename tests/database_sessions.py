"""Helpers for tests of concurrent work on PostgreSQL: a second session beside Django's (to hold a row
lock), how many sessions wait on a lock, and waiting for a condition."""

import time
from collections.abc import Callable

import psycopg
from django.db import connection


def other_session() -> psycopg.Connection:
    """A connection to the test database of its own, outside Django's (a `with` block closes it)."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
        password=settings["PASSWORD"], dbname=settings["NAME"],
    )  # fmt: skip


def sessions_waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_until(condition: Callable[[], bool], *, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)
