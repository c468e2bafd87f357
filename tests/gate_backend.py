"""An e-mail backend for worker processes (tests/test_faults.py): writes each message to a file in
$GATE_BACKEND_DIR, and while the file `gate` exists there, stops before sending (after touching
`blocked`), as a worker stuck talking to a slow mail server would."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class GateBackend(BaseEmailBackend):
    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        directory = Path(os.environ["GATE_BACKEND_DIR"])
        while (directory / "gate").exists():
            (directory / "blocked").touch()
            time.sleep(0.05)
        for message in messages:
            (directory / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(messages)


def sent_messages(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.eml"))
