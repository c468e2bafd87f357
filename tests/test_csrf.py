"""The CSRF token filled into cached pages (lms.csrf): Django's format and semantics, one random read."""

from collections import Counter

from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from lms.csrf import csrf_token

SECRET = "abcdefghijklmnopqrstuvwxyzABC789"


def request_with_secret(secret: str | None):
    request = RequestFactory().get("/")
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret  # what CsrfViewMiddleware puts there from the cookie
    return request


def test_the_token_unmasks_to_the_cookies_secret_and_renews_the_cookie_as_djangos_does():
    request = request_with_secret(SECRET)

    token = csrf_token(request)

    assert len(token) == CSRF_TOKEN_LENGTH
    assert set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_every_response_gets_a_fresh_mask():
    request = request_with_secret(SECRET)

    tokens = {csrf_token(request) for _ in range(200)}

    assert len(tokens) == 200
    assert {_unmask_cipher_token(token) for token in tokens} == {SECRET}


def test_without_a_secret_yet_django_makes_one_and_its_cookie():
    request = request_with_secret(None)

    token = csrf_token(request)

    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert len(request.META["CSRF_COOKIE"]) == CSRF_SECRET_LENGTH
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_mask_characters_are_uniform():
    """256 is not a multiple of 62: taking bytes modulo 62 unfiltered would make the first 8 characters
    a quarter more likely than the others. 64,000 draws measure each group's share to about 1 %."""
    request = request_with_secret(SECRET)
    counts = Counter(char for _ in range(2000) for char in csrf_token(request)[:CSRF_SECRET_LENGTH])

    first_eight = sum(counts[char] for char in CSRF_ALLOWED_CHARS[:8]) / 8
    the_rest = sum(counts[char] for char in CSRF_ALLOWED_CHARS[8:]) / (len(CSRF_ALLOWED_CHARS) - 8)

    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert 0.93 < first_eight / the_rest < 1.07
