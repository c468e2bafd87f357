"""An e-mail backend for worker processes (tests/test_faults.py): writes each message to a file in
$GATE_BACKEND_DIR, and while the file `gate` exists there, stops before sending (after touching
`blocked`), as a worker stuck talking to a slow mail server would; while the file `gate-at` holds a
number n, it stops so before sending any message once n messages were sent."""

import os
import time
import uuid
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class GateBackend(BaseEmailBackend):
    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        directory = Path(os.environ["GATE_BACKEND_DIR"])
        while (directory / "gate").exists() or _past_the_count(directory):
            (directory / "blocked").touch()
            time.sleep(0.05)
        for message in messages:
            (directory / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(messages)


def _past_the_count(directory: Path) -> bool:
    try:
        count = int((directory / "gate-at").read_text())
    except (FileNotFoundError, ValueError):
        return False
    return len(sent_messages(directory)) >= count


def sent_messages(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.eml"))


def message_from(path: Path) -> Message:
    return BytesParser().parsebytes(path.read_bytes())
