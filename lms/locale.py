"""A person's language and time zone, for what is rendered for them outside a request of theirs (every
e-mail, a certificate's PDF) and, by accounts.middleware.PersonLocaleMiddleware, for their requests.

`for_person(user)` (or `for_values(language=…, zone=…)` for senders that read values, not users) is a
context manager: inside it Django's `gettext`, `date` filter and `localtime` speak the person's
language and show their zone; outside, what was active before is back. It reads the person's
`language` and `time_zone` (accounts.User's fields) and knows no app: the notices' digest (layer 1)
uses it as the certificates (layer 7) do."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone, translation


@cache
def zone_of(name: str) -> ZoneInfo:
    """The zone named (a stored name that no longer exists: the site's default, not an error)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def language_of(person: object) -> str:
    """The person's chosen language, else the site's default (an e-mail has no Accept-Language)."""
    chosen = getattr(person, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@contextmanager
def for_values(*, language: str | None, zone: str | None) -> Iterator[None]:
    """Render in `language` (empty: the site's default) and `zone` (empty: the site's default)."""
    with (
        translation.override(language or settings.LANGUAGE_CODE),
        timezone.override(zone_of(zone or settings.TIME_ZONE)),
    ):
        yield


@contextmanager
def for_person(person: object) -> Iterator[None]:
    """Render for this person (a User; None: the site's defaults): their language and time zone."""
    with for_values(language=language_of(person), zone=getattr(person, "time_zone", None)):
        yield
