"""The protocol of the apps' `personal_data` modules: how the `privacy` app exports and erases an account.

Every app that keeps rows about a user has a `personal_data` module with the same three functions
(privacy/README.md says what each app exports, erases and keeps):

- `export(user) -> Export` — the user's rows as JSON-ready records, per kind, and their stored files.
  Nobody else's data: another person appears by the name they gave (`accounts.personal_data.shown_name`),
  never by their e-mail address.
- `erase(user, *, identity) -> list[str]` — erase or anonymise the user's personal data, in the caller's
  transaction, with queryset updates and deletes (so that no audit entry is written with the old values);
  returns the storage names of files to delete once the transaction commits.
- `owned(user) -> list[QuerySet]` — the user's rows, whose audit-trail entries the erasure scrubs.

Only these types live here, so that every app (notifications too, which imports no other app) can use them.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

ERASED = "[erased]"
"""What replaces a person's text where a row must keep some text."""


@dataclass(frozen=True)
class StoredFile:
    """A file of the user's in the export: its path in the zip and its name in the storage."""

    path: str
    name: str


@dataclass
class Export:
    records: dict[str, Any] = field(default_factory=dict)
    """Kind → JSON-ready records; each kind becomes `<kind>.json` in the zip."""
    files: list[StoredFile] = field(default_factory=list)


@dataclass(frozen=True)
class Identity:
    """What names the person (e-mail addresses, names), gathered before anything is erased: their
    mentions elsewhere (other people's notices and e-mails, audit entries) are found by these."""

    user_id: int
    strings: tuple[str, ...]

    def scrub(self, text: str) -> str:
        """`text` with every one of the strings (whole words, any case) replaced by ERASED."""
        for value in self.strings:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", ERASED, text, flags=re.IGNORECASE)
        return text

    def mentioned_in(self, text: str) -> bool:
        folded = text.casefold()
        return any(value.casefold() in folded for value in self.strings)


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
