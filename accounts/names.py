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
from django.utils.translation import gettext, gettext_lazy

NAME_MAX_LENGTH = 100
"""Longer than any name people give (certificates and e-mail greetings show it whole)."""

REFUSED_CATEGORIES = {
    "Cc": gettext_lazy(
        "A name cannot contain a control character (such as a line break or tab): "
        "U+%(code)s at position %(position)s."
    ),
    "Cf": gettext_lazy(
        "A name cannot contain an invisible formatting character (such as a direction override or a "
        "zero-width space): U+%(code)s at position %(position)s."
    ),
    "Cs": gettext_lazy(
        "A name cannot contain a character that is not valid Unicode: U+%(code)s at position %(position)s."
    ),
    "Zl": gettext_lazy("A name cannot contain a line break: U+%(code)s at position %(position)s."),
    "Zp": gettext_lazy("A name cannot contain a paragraph break: U+%(code)s at position %(position)s."),
}
"""Why a character is refused, per Unicode category, in the person's language."""


def name_problem(value: str) -> str | None:
    """What makes `value` unfit to be a name, or None."""
    if len(value) > NAME_MAX_LENGTH:
        return gettext("Keep the name to %(limit)s characters or fewer (it has %(length)s).") % {
            "limit": NAME_MAX_LENGTH,
            "length": len(value),
        }
    for character in value:
        category = unicodedata.category(character)
        if category in REFUSED_CATEGORIES:
            return str(REFUSED_CATEGORIES[category]) % {
                "code": f"{ord(character):04X}",
                "position": value.index(character) + 1,
            }
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
