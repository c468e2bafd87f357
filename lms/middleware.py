"""Response headers for what holds personal data, and form posts no field could store (wiring: no
app's rules live here)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers

from lms.input_checks import unstorable_field, unstorable_message

API_PREFIX = "/api/"


class UnstorableInputMiddleware:
    """Form posts holding text no field can store (lms.input_checks: NUL, lone surrogates) get a 400
    page naming the field before any view sees them — the same check as the API's parsers.

    Runs as a view middleware after CSRF's, so a forged post is refused as forged first. A multipart
    body is checked only when something (CSRF's check) has parsed it already: reading it here would fix
    the upload handlers before a view could choose its own."""

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX) or request.method != "POST":
            return None  # the API's parsers check their own bodies
        if request.content_type == self.FORMS[1] and not hasattr(request, "_post"):
            return None
        if request.content_type not in self.FORMS:
            return None
        found = unstorable_field(request.POST)
        if found is None:
            return None
        field, reason = found
        context = {"field": field, "message": unstorable_message(reason)}
        return render(request, "400.html", context, status=400)


class PrivateResponsesMiddleware(UnstorableInputMiddleware):
    """Nothing personal is kept by a shared cache or the browser's disk cache:

    - every response to a logged-in user (pages, the settings page with the secret calendar URL, CSV
      downloads) and every API response to a request with credentials (a session or a token) is
      `Cache-Control: private, no-store`, unless the view said otherwise;
    - API responses vary by `Authorization` (token callers see their own data), as by `Cookie`;
    and, as a view middleware after CSRF's, form posts with text no field can store answer a 400
    (UnstorableInputMiddleware's `process_view`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_api = request.path.startswith(API_PREFIX)
        user = getattr(request, "user", None)
        personal = bool(user and user.is_authenticated) or (is_api and "HTTP_AUTHORIZATION" in request.META)
        if personal and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        if is_api:
            patch_vary_headers(response, ["Authorization"])
        return response


SAME_FOR_EVERYONE = "same_for_everyone"
"""The attribute a view sets on a response whose content depends on its address alone."""


class SharedResponsesMiddleware:
    """A response its view marks `same_for_everyone` (the scripts' catalogue: its language is in the
    address) does not vary by `Cookie` or `Accept-Language`, which the session and language middlewares
    add to every response whose request they read: one copy then serves every reader of the address in
    the browser's cache and a shared one. It sits just above SessionMiddleware, to see both."""

    IGNORED = {"cookie", "accept-language"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, SAME_FOR_EVERYONE, False) and response.has_header("Vary"):
            kept = [name for name in cc_delim_re.split(response["Vary"]) if name.lower() not in self.IGNORED]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
