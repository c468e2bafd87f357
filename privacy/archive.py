"""The zip of everything about a user: one JSON file per kind, from each app's `personal_data` module
(lms/personal_data.py), their stored files, and a manifest."""

import json
import zipfile
from collections.abc import Callable
from types import ModuleType
from typing import IO, Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import personal_data as accounts_data
from accounts.models import User
from assessments import personal_data as assessments_data
from cards import personal_data as cards_data
from credentials import personal_data as credentials_data
from lms.personal_data import StoredFile
from mentoring import personal_data as mentoring_data
from notifications import personal_data as notifications_data
from progress import personal_data as progress_data
from projects import personal_data as projects_data

SOURCES: tuple[ModuleType, ...] = (
    accounts_data,
    progress_data,
    assessments_data,
    projects_data,
    mentoring_data,
    cards_data,
    notifications_data,
    credentials_data,
)
"""Every app that keeps rows about a user, lowest first: the export reads them all, the erasure erases
them in the opposite order (the account last)."""

KINDS = (
    "account", "enrolments", "progress", "quizzes", "projects", "feedback", "cards", "notices",
    "certificates",
)  # fmt: skip
"""The kinds of data in every export, each `<kind>.json` (tests check that the sources give exactly these)."""

STAGES = {
    "account": _("Collecting your account"),
    "enrolments": _("Collecting your enrolments and progress"),
    "quizzes": _("Collecting your quiz answers and results"),
    "projects": _("Collecting your projects and their reviews"),
    "feedback": _("Collecting your mentors' feedback and your replies"),
    "cards": _("Collecting your review cards"),
    "notices": _("Collecting your notices"),
    "certificates": _("Collecting your certificates and portfolio"),
}
"""What the export page says while each source is read (the build runs in the user's language)."""

Progress = Callable[[int, str], None]
"""Told (percent done, what is being prepared) as the archive is written."""

README = _(
    "This archive holds the data %(site)s keeps about your account, as of %(when)s (UTC).\n"
    "\n"
    "Each kind of data is one JSON file (UTF-8): %(kinds)s.\n"
    "Your uploaded files (project files, certificates' PDFs) are under files/; manifest.json lists them.\n"
    "Other people appear by the name they gave, never by their e-mail address.\n"
)
"""The archive's README.txt, in the user's language (its file and field names stay as they are)."""


def _json(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)
    return text.encode("utf-8", "replace")


def archive_write(*, user: User, target: IO[bytes], site_name: str, on_progress: Progress) -> dict[str, Any]:
    """Write the user's archive (a zip) to `target`; returns its manifest."""
    now = timezone.now()
    records: dict[str, Any] = {}
    files: list[StoredFile] = []
    steps_done, steps = 0, len(SOURCES) + 1
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source in SOURCES:
            first_kind = source.__name__.split(".")[0]
            on_progress(
                round(100 * steps_done / steps), str(STAGES.get(first_kind, _("Collecting your data")))
            )
            part = source.export(user)
            records |= part.records
            files.extend(part.files)
            steps_done += 1
        for kind, value in records.items():
            archive.writestr(f"{kind}.json", _json(value))
        steps += len(files)
        included, missing = [], []
        for number, stored in enumerate(files, start=1):
            stage = gettext("Adding your files (%(number)s of %(count)s)") % {
                "number": number,
                "count": len(files),
            }
            on_progress(round(100 * steps_done / steps), stage)
            if _copy(stored, archive):
                included.append(stored.path)
            else:
                missing.append(stored.path)
            steps_done += 1
        manifest = {
            "generated_at": now.isoformat(),
            "site": site_name,
            "kinds": {kind: f"{kind}.json" for kind in records},
            "files": included,
            "missing_files": missing,
        }
        archive.writestr("manifest.json", _json(manifest))
        archive.writestr(
            "README.txt",
            str(README) % {"site": site_name, "when": f"{now:%Y-%m-%d %H:%M}", "kinds": ", ".join(records)},
        )
    on_progress(100, gettext("Finishing"))
    return manifest


def _copy(stored: StoredFile, archive: zipfile.ZipFile) -> bool:
    """Copy a stored file into the archive, in chunks; False when the storage no longer has it."""
    try:
        source = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        return False
    with source, archive.open(stored.path, "w", force_zip64=True) as destination:
        for chunk in source.chunks() if hasattr(source, "chunks") else iter(lambda: source.read(65536), b""):
            destination.write(chunk)
    return True
