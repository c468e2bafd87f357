"""Request keys: a write named by its client, saved once however often it is sent.

A form carries a fresh key in a hidden field (`RequestKeyField`, a new one each time the page is shown);
an API client sends one in the `Idempotency-Key` header. The row the write creates stores the key under
a unique constraint (with its author), and the service, given a key it has already saved, answers with
that row instead of saving another: a user who retries after an error page, a double click, a client
that retries a timed-out request, all get the first result. Without a key nothing changes.
"""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

KEY_MAX = 100
HEADER = "Idempotency-Key"
FIELD = "request_key"
_KEY = re.compile(rf"[\x21-\x7e]{{1,{KEY_MAX}}}")  # visible ASCII: a UUID, a hash, a counter…
MESSAGE = gettext_lazy(
    "A request key is 1 to %(limit)s visible ASCII characters (letters, digits, -, …), no spaces."
)


def new_request_key() -> str:
    return uuid.uuid4().hex


def request_key_checked(value: str) -> str:
    """The key as given, or "" for none; ValidationError (a 400 naming the field) for one no row can
    take."""
    if value and not _KEY.fullmatch(value):
        raise ValidationError({FIELD: str(MESSAGE) % {"limit": KEY_MAX}})
    return value


def request_key_of(request: HttpRequest) -> str:
    """The API's: the `Idempotency-Key` header, checked (400 if malformed), or ""."""
    try:
        return request_key_checked(request.headers.get(HEADER, ""))
    except ValidationError as error:
        raise ValidationError({HEADER: str(MESSAGE) % {"limit": KEY_MAX}}) from error


class RequestKeyField(forms.CharField):
    """A form's hidden one-time key: a new one each time the form is shown unbound, the posted one when
    it is shown again with its errors (nothing was saved under it)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: object) -> None:
        super().__init__(required=False, max_length=KEY_MAX, initial=new_request_key, **kwargs)  # type: ignore[arg-type]

    def clean(self, value: object) -> str:
        return request_key_checked(super().clean(value))
