"""Uploaded files while a request is read: stored only up to the limit, in one directory, always removed.

- `BoundedTemporaryFileUploadHandler` (FILE_UPLOAD_HANDLERS) writes a file to a temporary file in
  FILE_UPLOAD_TEMP_DIR until it passes the request's file limit (`upload_limit_of`): from there it
  deletes what it wrote, keeps only counting, and hands the view an `OversizedUpload` of the real size,
  which the service refuses with its usual message ("larger than the limit of 10 MB").
- Each temporary file's name carries the process id (`lms-upload-<pid>-…`): Django deletes it when the
  request ends; a process killed mid-request (gunicorn's timeout, `kill -9`) cannot, so its files are
  swept by the gunicorn master when the worker exits and at start (`sweep_upload_files`, gunicorn.conf.py).
"""

import contextlib
import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest

FILE_PREFIX = "lms-upload-"
UPLOAD_LIMIT_ATTRIBUTE = "upload_limit"
"""Set on the request by lms.request_limits.RequestBodyLimitMiddleware: the largest file it may hold."""


def upload_dir() -> Path:
    """FILE_UPLOAD_TEMP_DIR, created (owner only) when missing."""
    path = Path(settings.FILE_UPLOAD_TEMP_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def upload_limit_of(request: HttpRequest | None) -> int:
    """The largest file this request may carry: its view's (lms.request_limits.accepts_uploads), else
    the limit of any request body."""
    return getattr(request, UPLOAD_LIMIT_ATTRIBUTE, None) or settings.REQUEST_BODY_MAX_BYTES


class ProcessTemporaryUploadedFile(TemporaryUploadedFile):
    """Django's temporary upload, named after this process and kept in FILE_UPLOAD_TEMP_DIR."""

    def __init__(
        self, name: str, content_type: str, size: int, charset: str | None, content_type_extra: Any = None
    ) -> None:
        _, extension = os.path.splitext(name)
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed, hence deleted, with the request)
            prefix=f"{FILE_PREFIX}{os.getpid()}-", suffix=".upload" + extension[:20], dir=upload_dir()
        )
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class OversizedUpload(UploadedFile):
    """A file that passed the limit while it was received: its name and real size, no content."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class BoundedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams a file to a temporary file up to the request's limit, and not a byte further."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super(TemporaryFileUploadHandler, self).new_file(*args, **kwargs)
        self.file = ProcessTemporaryUploadedFile(
            self.file_name or "", self.content_type or "", 0, self.charset, self.content_type_extra
        )
        self.limit = upload_limit_of(self.request)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.oversized:
            return
        if self.received > self.limit:
            self.oversized = True
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            return
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.oversized:
            return OversizedUpload(self.file_name or "", self.content_type or "", self.received, self.charset)
        return super().file_complete(file_size)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_upload_files(*, pid: int | None = None, older_than: float | None = None) -> list[str]:
    """Delete the temporary upload files left by processes that died mid-request: those of `pid` (a
    worker that just exited), else of every process no longer running, or older than `older_than`
    seconds. Returns the names deleted."""
    directory = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if not directory.is_dir():
        return []
    removed = []
    now = time.time()
    for path in directory.glob(f"{FILE_PREFIX}*"):
        owner = path.name[len(FILE_PREFIX) :].split("-", 1)[0]
        if not owner.isdigit():
            continue
        if pid is not None:
            stale = int(owner) == pid
        else:
            stale = not _process_alive(int(owner))
            with contextlib.suppress(FileNotFoundError):
                stale = stale or (older_than is not None and now - path.stat().st_mtime > older_than)
        if stale:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path.name)
    return removed
