"""What the benchmark scripts share: their own PostgreSQL database, and fast COPY-based seeding.

Import this before Django is set up: `use_bench_database()` points DATABASE_URL at a separate
database so a benchmark never touches development or test data.
"""

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The project first: bench/reminders.py must not shadow the reminders app.
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if entry != str(ROOT)]


def use_bench_database(default_name: str) -> str:
    """Point Django at BENCH_DATABASE_URL (default: `default_name` on the local server); production-like."""
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_name}")
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # DEBUG would keep every query in memory
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    return url


def ensure_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def copy_rows(model: Any, rows: Iterable[Mapping[str, Any]]) -> None:
    """COPY `rows` (dicts keyed by attname, e.g. learner_id) into the table; missing fields get defaults."""
    from django.db import connection

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    columns = ", ".join(f'"{field.column}"' for field in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row.get(field.attname, defaults[field.attname]) for field in fields])
