"""The benchmarks' e-mail backend: Django's locmem backend without its deep copies.

Like locmem it builds each message's MIME message (`message()`: what every backend does for every
message; SMTP then serializes it) and puts the message in `django.core.mail.outbox`. Django's locmem
copies each message deeply first (for tests that change a message after sending it): a cost of the
test backend, not of sending (1.9 s of a 100,000-learner reminder run). With BENCH_SERIALIZE set
(`bench/reminders.py --serialize`) each message is also written out as the SMTP backend writes it.
"""

import os
from collections.abc import Sequence

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend


class CheckingEmailBackend(EmailBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        serialize = bool(os.environ.get("BENCH_SERIALIZE"))  # what the SMTP backend writes out
        for message in messages:
            built = message.message()
            if serialize:
                built.as_bytes(linesep="\r\n")
            mail.outbox.append(message)
        return len(messages)
