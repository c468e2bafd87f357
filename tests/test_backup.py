"""scripts/backup.sh and scripts/restore.sh against the local PostgreSQL: a scratch database with the
curriculum and some rows, and stored files (a project attachment, a certificate's PDF) in a MEDIA_ROOT
of its own, backed up; the database dropped and created empty, the files deleted; restored: every table
has its rows back and every file its bytes."""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import CURRICULUM_FIXTURES, REPO

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


def run(*args: str, database: str, media: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url_of(database)}
    env.pop("CELERY_BROKER_URL", None)  # tasks in-process: the certificate's PDF is made at once
    env.pop("CELERY_RESULT_BACKEND", None)
    if media is not None:
        env["MEDIA_ROOT"] = str(media)
    result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


STORE_FILES = """
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from credentials.models import Certificate
from credentials.services import certificate_pdf_store, phase_certificate_issue
from curriculum.models import Phase
from progress.models import Enrolment
from projects import services
from projects.models import Project

enrolment = Enrolment.objects.select_related("learner").get(learner__email="learner@example.com")
phase = Phase.objects.get(number=1)
enrolment.learner.name = enrolment.learner.name or "Ada Lovelace"  # a name to print: issued at once
enrolment.learner.save(update_fields=["name"])
certificate, _ = phase_certificate_issue(enrolment=enrolment, phase=phase, signed_by=None)
certificate_pdf_store(certificate_id=certificate.pk)
project = Project.objects.filter(is_published=True).order_by("week__number").first()
draft = services.draft_save(
    learner=enrolment.learner, project=project, repository_url="https://github.com/a/b", commit="abc1234",
    report="r",
)
upload = SimpleUploadedFile("results.zip", open(ATTACHMENT, "rb").read())
attachment = services.attachment_add(learner=enrolment.learner, version_id=draft.pk, upload=upload)
pdf = Certificate.objects.get(pk=certificate.pk).pdf.name
print(json.dumps({"attachment": attachment.file.name, "pdf": pdf}))
"""


@pytest.fixture
def scratch_database():
    name = f"lms_backup_{uuid.uuid4().hex[:8]}"
    admin_execute(f'CREATE DATABASE "{name}"')
    yield name
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_row_and_file_after_both_are_lost(scratch_database, tmp_path: Path):
    python = sys.executable
    media = tmp_path / "media"
    run(python, "manage.py", "migrate", "--no-input", "-v0", database=scratch_database)
    fixtures = [str(path) for path in CURRICULUM_FIXTURES]
    run(python, "manage.py", "load_curriculum", *fixtures, database=scratch_database)
    run(python, "manage.py", "create_demo_accounts", "--force", database=scratch_database)
    attachment_bytes = os.urandom(50_000)
    (tmp_path / "results.zip").write_bytes(attachment_bytes)
    script = f"ATTACHMENT = {str(tmp_path / 'results.zip')!r}\n" + STORE_FILES
    stored = run(python, "manage.py", "shell", "-c", script, database=scratch_database, media=media)
    names = json.loads(stored.stdout.strip().splitlines()[-1])
    assert (media / names["attachment"]).read_bytes() == attachment_bytes
    pdf_bytes = (media / names["pdf"]).read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    before = row_counts(scratch_database)
    assert before["curriculum_week"] == 52
    assert before["progress_enrolment"] >= 1
    assert before["projects_attachment"] == before["credentials_certificate"] == 1

    dump = tmp_path / "backups" / "lms.dump"
    output = run("scripts/backup.sh", str(dump), database=scratch_database, media=media).stdout
    archive = tmp_path / "backups" / "lms.files.tar.gz"
    assert f"wrote {dump}" in output
    assert str(archive) in output
    assert dump.read_bytes().startswith(b"PGDMP")  # the custom format
    with tarfile.open(archive) as members:
        assert sorted(members.getnames()) == sorted([names["attachment"], names["pdf"]])

    admin_execute(f'DROP DATABASE "{scratch_database}" WITH (FORCE)')
    admin_execute(f'CREATE DATABASE "{scratch_database}"')
    shutil.rmtree(media)
    assert row_counts(scratch_database) == {}
    run("scripts/restore.sh", "--yes", str(dump), database=scratch_database, media=media)

    assert row_counts(scratch_database) == before
    assert (media / names["attachment"]).read_bytes() == attachment_bytes
    assert (media / names["pdf"]).read_bytes() == pdf_bytes
    # Restoring over a live site replaces its contents: the same rows, not twice as many; the same
    # files under the same names, not copies beside them.
    run("scripts/restore.sh", "--yes", str(dump), database=scratch_database, media=media)
    assert row_counts(scratch_database) == before
    assert sorted(
        path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file()
    ) == sorted([names["attachment"], names["pdf"]])
    assert (media / names["attachment"]).read_bytes() == attachment_bytes


def test_the_backup_refuses_a_database_that_is_not_postgresql(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": "sqlite:///db.sqlite3"}
    result = subprocess.run(
        ["scripts/backup.sh", str(tmp_path / "x.dump")], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "must point at PostgreSQL" in result.stderr
    assert not (tmp_path / "x.dump").exists()
