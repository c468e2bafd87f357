"""`gettext` and `ngettext` for messages shown on every row of a long page (the mentor table's labels
and phrases), each looked up once per language and message in a process.

Django's own look-up searches every catalogue of the active language in turn until one has the
message: for English — the language the messages are written in — nine catalogues (Django's and the
apps' `en` files, one header entry each) are searched and none has it, 30 µs a message under the
profiler. A mentor table of 25 rows asks for ~650 messages: with issue 36's translations its calls
per page went from 40,000 to 78,000 (BENCHMARKS.md). Catalogues are read once per process (a new
translation needs a restart), so a message's translation in a language never changes while it runs;
a test that swaps the catalogues' settings gets them forgotten.

Only for literal messages (a bounded set); makemessages extracts them by these functions' names.
"""

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation

_translated: dict[tuple[Any, ...], str] = {}
_LIMIT = 20_000
"""Entries kept at most (ngettext's keys include the count): past it, the memo starts over."""


def gettext(message: str) -> str:
    key = (translation.get_language(), message)
    try:
        return _translated[key]
    except KeyError:
        return _remember(key, translation.gettext(message))


def ngettext(singular: str, plural: str, number: int) -> str:
    key = (translation.get_language(), singular, plural, number)
    try:
        return _translated[key]
    except KeyError:
        return _remember(key, translation.ngettext(singular, plural, number))


def _remember(key: tuple[Any, ...], text: str) -> str:
    if len(_translated) >= _LIMIT:
        _translated.clear()
    _translated[key] = text
    return text


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _translated.clear()
