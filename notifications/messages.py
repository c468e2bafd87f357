"""The outbox's e-mail message: Django's `EmailMultiAlternatives`, whose MIME tree is built with less work.

Django builds each text part as a `MIMEText` in UTF-8, which writes the charset parameter twice
(parsing the Content-Type header again to replace it) and asks the encoder whether the payload is
7- or 8-bit: two thirds of `message()`, which every backend calls for every message (SMTP serializes
it, locmem checks it), 67,000 times a weekly reminder run. For what the outbox sends (a plain-text body
and at most one HTML alternative, lines within RFC 5322's 998 octets) `OutboxMessage.message()` builds
the same tree: the same headers in the same order, with the same values (the top-level ones still
through Django's checks against header injection), and the same payloads; anything else is built by
Django. tests/notifications/test_messages.py compares the bytes of both.

It is written with `OUTBOX_POLICY` (`OutboxPolicy`: the compat32 policy of Django's messages), which
writes a header that needs no folding as it is: serializing a message (the SMTP backend's
`message().as_bytes()`) spent three quarters of its time building a `Header` for each of its 16 headers
only to find that it fits on its line.
"""

import time
from email.message import Message
from email.policy import Compat32
from email.utils import formatdate, make_msgid
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    SafeMIMEMultipart,
    SafeMIMEText,
    forbid_multi_line_headers,
)
from django.core.mail.utils import DNS_NAME

UTF8 = "utf-8"


class OutboxPolicy(Compat32):
    """compat32 (how Django's messages are written), with a header that fits on its line written as it
    is: a value of printable ASCII not ending in a space, "Name: value" within `max_line_length`, which
    compat32's folding (`email.header.Header`) returns unchanged; any other is folded by compat32."""

    def _as_is(self, name: str, value: Any) -> str | None:
        if (
            isinstance(value, str)
            and value.isascii()
            and value.isprintable()
            and not value.endswith(" ")
            and len(name) + 2 + len(value) <= (self.max_line_length or 0)
        ):
            return f"{name}: {value}{self.linesep}"
        return None

    def fold(self, name: str, value: Any) -> str:
        return self._as_is(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        folded = self._as_is(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)


OUTBOX_POLICY = OutboxPolicy()


ADDRESSED = {"from", "to", "cc", "reply-to"}
"""Extra headers that EmailMessage.message() does not copy as they are (it sets them itself)."""


def checked_header(name: str, value: str) -> str:
    """The value SafeMIMEMultipart stores for a header: Django's check against header injection (a line
    break raises BadHeaderError) and its encoding (`forbid_multi_line_headers`: a subject folded, non-ASCII
    words and addresses encoded)."""
    return forbid_multi_line_headers(name, value, UTF8)[1]


checked_repeating_header = lru_cache(maxsize=1024)(checked_header)
"""`checked_header` remembered, for the sender and the subject: a run of reminders has a few hundred
subjects, and encoding one (Python's `Header`, which folds it) was most of the time of `message()`."""
REPEATING = {"Subject", "From", "Date", "List-Unsubscribe-Post"}
"""Headers whose values repeat from one message to the next (the Date: those sent in the same second)."""


@lru_cache(maxsize=2)
def date_of_second(second: int, localtime: bool) -> str:
    """The Date header of the messages built in this second (`formatdate` writes whole seconds): worked
    out once a second, not for each of the thousands of messages a second (3.4 µs each)."""
    return formatdate(second, localtime=localtime)


class TextPart(SafeMIMEText):
    """Django's text part (its class: how it serializes, how it checks headers), with what its
    constructor would give for a UTF-8 payload without long lines, written once: Content-Type with the
    charset, MIME-Version, Content-Transfer-Encoding 7bit (ASCII) or 8bit, and the payload as UTF-8
    bytes (held as the email package holds bytes, surrogate-escaped)."""

    def __init__(self, encoded: bytes, subtype: str, *, ascii: bool) -> None:
        Message.__init__(self, OUTBOX_POLICY)
        self.encoding = UTF8
        # (constant values: nothing for Django's check against line breaks in headers to find)
        Message.__setitem__(self, "Content-Type", f'text/{subtype}; charset="{UTF8}"')
        Message.__setitem__(self, "MIME-Version", "1.0")
        Message.__setitem__(self, "Content-Transfer-Encoding", "7bit" if ascii else "8bit")
        Message.set_payload(self, encoded.decode("ascii", "surrogateescape"))


class AlternativeParts(SafeMIMEMultipart):
    """Django's `SafeMIMEMultipart(_subtype=subtype, encoding="utf-8", policy=OUTBOX_POLICY)` (its class),
    with what its constructor would give written once: Content-Type (the boundary is chosen when it is
    serialized) and MIME-Version, without formatting a header with no parameters through `add_header`
    and checking a constant value (a quarter of `message()`)."""

    def __init__(self, subtype: str) -> None:
        Message.__init__(self, OUTBOX_POLICY)
        self.encoding = UTF8
        Message.__setitem__(self, "Content-Type", f"multipart/{subtype}")
        Message.__setitem__(self, "MIME-Version", "1.0")
        self._payload: list[Message] = []


def text_part(content: str, subtype: str) -> Message | None:
    """The part `SafeMIMEText(content, subtype, "utf-8")` is; None when a line is longer than RFC 5322
    allows (Django encodes those quoted-printable): the caller lets Django build it."""
    encoded = content.encode(UTF8)
    if max(map(len, encoded.splitlines()), default=0) > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
        return None
    return TextPart(encoded, subtype, ascii=content.isascii())


class OutboxMessage(EmailMultiAlternatives):
    """An `EmailMultiAlternatives` (the same attributes: backends and tests read them as usual)."""

    def message(self) -> Message:  # type: ignore[override]  # (django-stubs: SafeMIMEText | SafeMIMEMultipart)
        if not self._is_plain_with_html():
            return super().message()
        body, html = self.body, self.alternatives[0][0]
        text = text_part(body, self.content_subtype) if isinstance(body, str) else None
        alternative = text_part(html, "html") if isinstance(html, str) else None
        if text is None or alternative is None:
            return super().message()
        msg = AlternativeParts(self.alternative_subtype)
        msg.attach(text)
        msg.attach(alternative)
        # What EmailMessage.message() sets, in its order (without Cc and Reply-To: there are none), each
        # value checked and encoded as Django's SafeMIMEMultipart does (`checked_header`).
        headers = {
            "Subject": str(self.subject),
            "From": self.extra_headers.get("From", self.from_email),
        }
        if self.to:
            headers["To"] = self.extra_headers.get("To", ", ".join(str(address) for address in self.to))
        header_names = {name.lower() for name in self.extra_headers}
        if "date" not in header_names:
            headers["Date"] = date_of_second(int(time.time()), settings.EMAIL_USE_LOCALTIME)
        if "message-id" not in header_names:
            headers["Message-ID"] = make_msgid(domain=DNS_NAME)
        extra = ((name, value) for name, value in self.extra_headers.items() if name.lower() not in ADDRESSED)
        for name, value in (*headers.items(), *extra):
            check = checked_repeating_header if name in REPEATING else checked_header
            Message.__setitem__(msg, name, check(name, str(value)))
        return msg

    def _is_plain_with_html(self) -> bool:
        """A non-empty plain-text body and one HTML alternative, nothing else (the outbox's messages)."""
        return (
            bool(self.body)
            and self.content_subtype == "plain"
            and (self.encoding or settings.DEFAULT_CHARSET).lower() == UTF8
            and len(self.alternatives) == 1
            and self.alternatives[0][1] == "text/html"
            and not (self.attachments or self.cc or self.reply_to)
        )
