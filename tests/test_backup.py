"""scripts/backup.sh and scripts/restore.sh against the local PostgreSQL: a scratch database with the
curriculum and some rows, dumped, dropped, created empty, restored: every table has its rows back."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import REPO

DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://"))
    or not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore")),
    reason="needs PostgreSQL (DATABASE_URL) and its client tools",
)


def url_of(database: str) -> str:
    return urlunsplit(urlsplit(DATABASE_URL)._replace(path="/" + database))


def admin_execute(sql: str) -> None:
    """CREATE / DROP DATABASE, from the server's maintenance database."""
    import psycopg

    with psycopg.connect(url_of("postgres"), autocommit=True) as connection:
        connection.execute(sql)


def row_counts(database: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url_of(database)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
            for table in tables
        }


def run(*args: str, database: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url_of(database)}
    result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def scratch_database():
    name = f"lms_backup_{uuid.uuid4().hex[:8]}"
    admin_execute(f'CREATE DATABASE "{name}"')
    yield name
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_row_after_the_database_is_dropped(scratch_database, tmp_path: Path):
    python = sys.executable
    run(python, "manage.py", "migrate", "--no-input", "-v0", database=scratch_database)
    run(python, "manage.py", "load_curriculum", database=scratch_database)
    run(python, "manage.py", "create_demo_accounts", "--force", database=scratch_database)
    before = row_counts(scratch_database)
    assert before["curriculum_week"] == 52
    assert before["progress_enrolment"] >= 1

    dump = tmp_path / "lms.dump"
    output = run("scripts/backup.sh", str(dump), database=scratch_database).stdout
    assert f"wrote {dump}" in output
    assert dump.read_bytes().startswith(b"PGDMP")  # the custom format

    admin_execute(f'DROP DATABASE "{scratch_database}" WITH (FORCE)')
    admin_execute(f'CREATE DATABASE "{scratch_database}"')
    assert row_counts(scratch_database) == {}
    run("scripts/restore.sh", "--yes", str(dump), database=scratch_database)

    assert row_counts(scratch_database) == before
    # Restoring over a live database replaces its contents: still the same rows, not twice as many.
    run("scripts/restore.sh", "--yes", str(dump), database=scratch_database)
    assert row_counts(scratch_database) == before


def test_the_backup_refuses_a_database_that_is_not_postgresql(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": "sqlite:///db.sqlite3"}
    result = subprocess.run(
        ["scripts/backup.sh", str(tmp_path / "x.dump")], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "must point at PostgreSQL" in result.stderr
    assert not (tmp_path / "x.dump").exists()
