"""The one check of submitted text that no field can store: lone surrogates and NUL.

JSON may spell a lone UTF-16 surrogate (`"\\ud800"`): Python reads it into a `str` that cannot be
encoded as UTF-8, so a message repeating the input ("… is not a valid choice") fails to render and the
database refuses to store it; PostgreSQL text cannot hold NUL either. Both are refused before any view
sees them, with a 400 naming the field: the API's JSON (lms.parsers) and the site's form posts
(lms.middleware.UnstorableInputMiddleware) call `unstorable_field`.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy

NUL = "a NUL character"
LONE_SURROGATE = "a lone surrogate (text that is not valid Unicode)"
MESSAGES = {
    NUL: gettext_lazy(
        "This value contains a NUL character, which cannot be stored: remove it and try again."
    ),
    LONE_SURROGATE: gettext_lazy(
        "This value contains a lone surrogate (text that is not valid Unicode), which cannot be stored: "
        "remove it and try again."
    ),
}
"""Each reason (`unstorable_reason`'s words, in English for logs and tests) as the person is told it."""


def unstorable_reason(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    if "\x00" in text:
        return NUL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return LONE_SURROGATE
    return None


def _printable(name: str) -> str:
    """A field name safe to repeat in the answer (the name itself may be the hostile text)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def unstorable_field(data: Any, path: str = "") -> tuple[str, str] | None:
    """The first (field, reason) in parsed input holding text that cannot be stored, walking dicts,
    lists and form data (QueryDict: each value of each key) without recursion; None when all is well.
    A nested field is named by its path: `answers.12`, `projects.0.summary`."""
    stack: list[tuple[str, Any]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            reason = unstorable_reason(value)
            if reason:
                return _printable(where) or "body", reason
            continue
        items: Iterable[tuple[Any, Any]]
        if hasattr(value, "lists"):  # QueryDict / MultiValueDict: every value given for a key, by its key
            items = ((key, child) for key, values in value.lists() for child in values)
        elif isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list | tuple):
            items = enumerate(value)
        else:
            continue
        for key, child in items:
            name = f"{where}.{key}" if where else str(key)
            if isinstance(key, str):
                reason = unstorable_reason(key)
                if reason:
                    return _printable(name), reason
            stack.append((name, child))
    return None


def unstorable_message(reason: str) -> str:
    """The refusal of a value holding `reason`, in the active language."""
    return str(MESSAGES[reason])
