"""One cache round trip for what a logged-in page reads from the shared cache.

A cached page costs three reads of Redis one after the other: the session (which names the user), the
user (their version stamps and cached row), then the page (its stamps and content). Each waits for the
one before, because the keys of the next depend on what the last returned. On a page whose whole
budget is well under a millisecond, those round trips are most of its cost.

So the user's id is also kept in a cookie, as a *hint*, and the middleware reads in one MGET, before
anything else runs, every key the request will ask for: the session, the hinted user's stamps and
row, and, for the pages that declare them (`prefetches`), the page's stamps and content. The session
store, the authentication backend and `page_cache` take their values from it.

The hint is never trusted: the session alone says who the user is. Keys read for a wrong hint are not
the ones asked for later (they name another user), so they are simply not used; the page is then read
as without a hint, and the cookie corrected. Reads are prefetched for GET and HEAD only, and a write
during the request (`page_cache.bump`) drops what was prefetched.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_KEY_PREFIX
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)

USER_HINT_COOKIE = "lms_user"
# (request, user id) -> [(page entry key, scopes)]: what a page view will read, declared beside it.
PagePlan = Callable[[HttpRequest, int], Sequence[tuple[str, Sequence[str]]]]

_prefetched: ContextVar[tuple[frozenset[str], dict[str, Any]] | None] = ContextVar("prefetched", default=None)


def prefetches(plan: PagePlan) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the cache entries a page view reads, so that the middleware reads them up front."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.page_cache_plan = plan  # type: ignore[attr-defined]
        return view

    return decorate


def lookup(keys: Iterable[str]) -> dict[str, Any] | None:
    """The values read at the start of the request for `keys` (absent: not in the cache), or None when
    not all of them were read then."""
    state = _prefetched.get()
    if state is None:
        return None
    asked, values = state
    keys = list(keys)
    if not asked.issuperset(keys):
        return None
    return {key: values[key] for key in keys if key in values}


def forget() -> None:
    """After a write: later reads of this request must go to the cache itself."""
    _prefetched.set(None)


@lru_cache(maxsize=1024)
def _plan_for_path(path: str) -> PagePlan | None:
    """The page plan of the view at `path` (Django resolves the URL again later: this saves a second
    resolution on every request; the URLconf does not change while the process runs)."""
    try:
        return getattr(resolve(path).func, "page_cache_plan", None)
    except Resolver404:
        return None


def hinted_user_id(request: HttpRequest) -> int | None:
    value = request.COOKIES.get(USER_HINT_COOKIE, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


class PrefetchMiddleware:
    """Reads a request's cache keys in one round trip; keeps the user hint cookie in step with the
    session. Goes right after SessionMiddleware, before anything reads the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from lms import page_cache

        if not page_cache.enabled():
            return self.get_response(request)
        state = None
        if request.method in ("GET", "HEAD"):
            keys = self.keys_for(request)
            if keys:
                state = self.read(keys)
        token = _prefetched.set(state)
        try:
            response = self.get_response(request)
        finally:
            _prefetched.reset(token)
        self.keep_hint(request, response)
        return response

    def keys_for(self, request: HttpRequest) -> list[str]:
        from accounts.backends import cached_user_keys
        from lms import page_cache

        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return []
        keys = [SESSION_KEY_PREFIX + session_key]
        user_id = hinted_user_id(request)
        if user_id is None:
            return keys
        keys += cached_user_keys(user_id)
        plan = _plan_for_path(request.path_info)
        if plan is not None:
            for entry_key, scopes in plan(request, user_id):
                keys += page_cache.lookup_keys(entry_key, scopes)
        return keys

    def read(self, keys: list[str]) -> tuple[frozenset[str], dict[str, Any]] | None:
        from lms.page_cache import CACHE_ERRORS

        try:
            return frozenset(keys), cache.get_many(keys)
        except CACHE_ERRORS as error:
            logger.warning("prefetch: cache not answering (%s)", error)
            return None

    def keep_hint(self, request: HttpRequest, response: HttpResponse) -> None:
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return  # nothing read the session: who the user is was not looked at
        user_id = session.get(SESSION_KEY)
        hint = request.COOKIES.get(USER_HINT_COOKIE)
        if user_id is not None and hint != str(user_id):
            response.set_cookie(
                USER_HINT_COOKIE,
                str(user_id),
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif user_id is None and hint is not None:
            response.delete_cookie(USER_HINT_COOKIE, samesite="Lax")
