"""Names are names: what a person may be shown by (`User.name`, `first_name`, `last_name`).

A display name reaches e-mail bodies, CSV exports, PDFs, the signed credential and the public
verification page. A line break in it starts a new line of an e-mail ("Bcc: …" as text in a mail sent in
the site's name); a direction override (U+202E) or a zero-width character makes it read as something
else. So a name is one line of visible text: no control or format characters (Unicode Cc, Cf), no line
or paragraph separators, no unpaired surrogates, and at most NAME_MAX_LENGTH characters.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

NAME_MAX_LENGTH = 100
"""Longer than any name people give (certificates and e-mail greetings show it whole)."""

REFUSED_CATEGORIES = {
    "Cc": "a control character (such as a line break or tab)",
    "Cf": "an invisible formatting character (such as a direction override or a zero-width space)",
    "Cs": "a character that is not valid Unicode",
    "Zl": "a line break",
    "Zp": "a paragraph break",
}


def name_problem(value: str) -> str | None:
    """What makes `value` unfit to be a name, or None."""
    if len(value) > NAME_MAX_LENGTH:
        return f"Keep the name to {NAME_MAX_LENGTH} characters or fewer (it has {len(value)})."
    for character in value:
        category = unicodedata.category(character)
        if category in REFUSED_CATEGORIES:
            return (
                f"A name cannot contain {REFUSED_CATEGORIES[category]}: "
                f"U+{ord(character):04X} at position {value.index(character) + 1}."
            )
    return None


@deconstructible
class NameValidator:
    """The model field validator (forms, admin and services all run it through the model)."""

    code = "invalid_name"

    def __call__(self, value: str) -> None:
        problem = name_problem(value)
        if problem:
            raise ValidationError(problem, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameValidator)


validate_name = NameValidator()
