"""Text a person typed (a CSV cell, an API field): refused with a message when it cannot be stored or
shown safely, rather than failing in the database (NUL) or reordering what is shown around it (bidi
controls)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# Categories never wanted in a name or an address: controls (NUL, newlines …), format characters (the
# bidirectional overrides U+202A-U+202E and isolates U+2066-U+2069, zero-width joiners), surrogates
# (a lone one cannot be encoded) and unassigned or private-use code points.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def plain_text(value: object, *, field: str, max_length: int, required: bool = True) -> str:
    """`value` as a stripped single line of printable text, or a ValidationError on `field` saying why."""
    text = "" if value is None else str(value)
    text = text.strip()
    if not text:
        if required:
            raise ValidationError({field: gettext("This field is required.")})
        return ""
    for character in text:
        if unicodedata.category(character) in REFUSED_CATEGORIES:
            code = f"U+{ord(character):04X}"
            message = gettext("Contains a control or invisible character (%(code)s): retype it.")
            raise ValidationError({field: message % {"code": code}})
    if len(text) > max_length:
        message = gettext("At most %(max)s characters (this has %(count)s).")
        raise ValidationError({field: message % {"max": max_length, "count": len(text)}})
    return text
