"""An e-mail backend that delivers to mail.outbox like locmem and, after the mail server "accepted"
message number n (1-based, counted across connections), calls the hook set for n (tests of the outbox's
claims: a worker killed right after a message was accepted, a worker stalled past its claim)."""

from collections.abc import Callable
from typing import ClassVar

from django.core.mail.backends.locmem import EmailBackend


class HookBackend(EmailBackend):
    hooks: ClassVar[dict[int, Callable[[], None]]] = {}
    accepted: ClassVar[int] = 0

    @classmethod
    def reset(cls, hooks: dict[int, Callable[[], None]]) -> None:
        cls.hooks, cls.accepted = dict(hooks), 0

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        sent = 0
        for message in messages:
            sent += super().send_messages([message])
            HookBackend.accepted += 1
            hook = HookBackend.hooks.pop(HookBackend.accepted, None)
            if hook is not None:
                hook()
        return sent
