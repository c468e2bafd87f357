"""The CSRF token of a cached page, masked as Django masks it but with one read of the system's random
source instead of 32.

Django masks the CSRF secret afresh for every response (so that a compressed page never repeats a
secret-derived string: BREACH), drawing the 32 mask characters with `secrets.choice`, one `getrandom`
system call each: ~50 µs on this project's virtual machines, a tenth of a cached page's whole cost.
Here the mask is drawn from one `os.urandom` read, without bias (bytes of 248 and above, which would
favour the first characters, are dropped), and applied as `django.middleware.csrf` applies it; the
token is checked by Django's own middleware like any other (tests/test_csrf.py).
"""

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_ALPHABET_SIZE = len(CSRF_ALLOWED_CHARS)
_POSITION = {char: position for position, char in enumerate(CSRF_ALLOWED_CHARS)}
_UNBIASED_BELOW = 256 - 256 % _ALPHABET_SIZE


def _random_mask() -> list[int]:
    """CSRF_SECRET_LENGTH positions in CSRF_ALLOWED_CHARS, each uniformly random."""
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [byte % _ALPHABET_SIZE for byte in os.urandom(CSRF_SECRET_LENGTH) if byte < _UNBIASED_BELOW]
    return mask[:CSRF_SECRET_LENGTH]


def csrf_token(request: HttpRequest) -> str:
    """What `{% csrf_token %}` puts in a form (`django.middleware.csrf.get_token`), faster."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        return get_token(request)  # no secret yet: Django makes one and sets its cookie
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie's expiry is renewed
    mask = _random_mask()
    shifted = zip((_POSITION[char] for char in secret), mask, strict=True)
    cipher = "".join(CSRF_ALLOWED_CHARS[(position + shift) % _ALPHABET_SIZE] for position, shift in shifted)
    return "".join(CSRF_ALLOWED_CHARS[shift] for shift in mask) + cipher
