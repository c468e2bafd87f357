"""The stored files (project attachments, certificates' PDFs) in and out of a tar archive, through the
storage API: MEDIA_ROOT on disk, or the S3 bucket's objects (PROJECT_FILES_S3_BUCKET) alike.

    python -m lms.media_backup archive FILE   # every file of the default storage; FILE "-": stdout
    python -m lms.media_backup restore FILE   # each file of the archive put back under its name

scripts/backup.sh and scripts/restore.sh call it beside pg_dump and pg_restore. A restore replaces the
files the archive holds and leaves any other file alone (a file the restored database does not name is
never shown to anyone).
"""

import os
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # MEDIA_ROOT before the first file
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from stored_names(storage, f"{folder}/{directory}" if folder else directory)


def archive(storage: Storage, target: IO[bytes]) -> int:
    """Writes every stored file into a tar stream; returns how many."""
    count = 0
    with tarfile.open(fileobj=target, mode="w|gz") as bundle:
        for name in stored_names(storage):
            with storage.open(name, "rb") as source:
                info = tarfile.TarInfo(name)
                info.size = storage.size(name)
                info.mtime = int(storage.get_modified_time(name).timestamp())
                info.mode = 0o600
                bundle.addfile(info, source)
            count += 1
    return count


def safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"refusing the archive member {name!r}")
    return path.as_posix()


def restore(storage: Storage, source: IO[bytes]) -> int:
    """Puts every file of a tar stream back under its own name; returns how many."""
    count = 0
    with tarfile.open(fileobj=source, mode="r|gz") as bundle:
        for member in bundle:
            if not member.isfile():
                continue
            name = safe_name(member.name)
            content = bundle.extractfile(member)
            assert content is not None
            # Spooled: the storage may read it more than once (size, checksum).
            with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as copy:
                while chunk := content.read(1024 * 1024):
                    copy.write(chunk)
                copy.seek(0)
                if storage.exists(name):
                    storage.delete(name)
                stored = storage.save(name, File(copy, name=name))
            if stored != name:
                raise RuntimeError(f"the storage kept {name!r} as {stored!r}")
            count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("archive", "restore"):
        print("usage: python -m lms.media_backup archive|restore FILE ('-': stdout/stdin)", file=sys.stderr)
        return 2
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    django.setup()
    from django.core.files.storage import default_storage

    action, path = argv
    if action == "archive":
        if path == "-":
            count = archive(default_storage, sys.stdout.buffer)
        else:
            with open(path, "wb") as target:
                count = archive(default_storage, target)
        print(f"media_backup: archived {count} files", file=sys.stderr)
    else:
        if path == "-":
            count = restore(default_storage, sys.stdin.buffer)
        else:
            with open(path, "rb") as source:
                count = restore(default_storage, source)
        print(f"media_backup: restored {count} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
