"""An e-mail backend that fails like a mail server going away, for the retry tests."""

import smtplib
from typing import ClassVar

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Delivers to mail.outbox like locmem, but message number `fail_at` (1-based, counted across
    connections) raises SMTPServerDisconnected, `failures` times in a row."""

    fail_at: ClassVar[int] = 2
    failures: ClassVar[int] = 1
    calls: ClassVar[int] = 0

    @classmethod
    def reset(cls, *, fail_at: int, failures: int = 1) -> None:
        cls.fail_at, cls.failures, cls.calls = fail_at, failures, 0

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        for _ in messages:
            FlakyBackend.calls += 1
            if FlakyBackend.calls == FlakyBackend.fail_at and FlakyBackend.failures > 0:
                FlakyBackend.failures -= 1
                FlakyBackend.fail_at += 1  # the next message is the retry of this one
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
