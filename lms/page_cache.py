"""Rendered page content cached in the shared cache, made stale by version stamps, never by guessing.

The learner dashboard, the schedule and the mentor dashboard are computed from ~250 rows (or 500
learners' schedules) and rendered from large templates, but change only when their data does. The
rendered page (with a placeholder for the CSRF token, filled in per response) is cached under a key,
together with the version stamps of the *scopes* it was built from:

- `curriculum`: phases, weeks, resources, quizzes (any admin edit);
- `learner:<id>`: one learner's enrolment, progress, re-plans, submissions, feedback, reviews, name;
- `mentor:<id>`: any of a mentor's learners (and the assignment itself); `learners`: any learner;
- `user-groups`: any group or group membership (the logged-in user, loaded for every request, is
  cached under `learner:<id>` and this scope: see accounts.backends).

A write bumps its scopes when it happens and again once its transaction commits (models' signals in
each app's `ready()`, and the services that write with `UPDATE`); a read compares stamps and rebuilds
on any difference. The stamps are read *before* the data, so a page built from data that changed
meanwhile carries an old stamp and is rebuilt on the next read. Dates matter too: a page says until
when it is true (the learner's next midnight; for mentors a quarter of an hour, as flags depend on
each learner's clock).

Only a cache shared by every process (Redis) can be invalidated by the worker and the other web
processes, so caching is off unless `PAGE_CACHE_SECONDS` > 0 (default: an hour with a shared cache).
A cache that does not answer is a miss, never an error; a stamp that could not be bumped then (a
network fault) leaves pages stale until they expire, which `PAGE_CACHE_SECONDS` bounds.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from redis.exceptions import RedisError

from lms import prefetch
from lms.csrf import csrf_token

CURRICULUM = "curriculum"
ALL_LEARNERS = "learners"
USER_GROUPS = "user-groups"  # any group or membership: roles (mentor, staff menus) may have changed
T = TypeVar("T")
# What a cache that does not answer raises (Redis down, a network fault): then reads miss and writes
# are skipped, so pages come from the database and no write of the application fails because of it.
CACHE_ERRORS = (RedisError, OSError)
logger = logging.getLogger(__name__)
# Rendered into cached content by {% csrf_token %} and replaced by the request's token on the way out.
CSRF_PLACEHOLDER = "csrf-placeholder-5d0c7a61e3b94f2e"
_INDENTATION = re.compile(r"\n\s+")


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def learner_scope(learner_id: int) -> str:
    return f"learner:{learner_id}"


def mentor_scope(mentor_id: int) -> str:
    return f"mentor:{mentor_id}"


def _version_key(scope: str) -> str:
    return f"page-version:{scope}"


def bump(scopes: Iterable[str]) -> None:
    """Make stale every cached page or value built from `scopes`: now, and once the transaction commits."""
    if not enabled():
        return
    keys = [_version_key(scope) for scope in set(scopes)]
    if not keys:
        return

    def stamp() -> None:
        try:
            cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
        except CACHE_ERRORS as error:
            # The write itself stands; pages built before it may be served until they expire.
            logger.warning("page cache: could not mark %s stale (%s)", ", ".join(keys), error)

    # Now, for reads later in this transaction; and again after the commit, because a page built
    # meanwhile by another request (from the data before the commit) carries the first new stamp.
    prefetch.forget()
    stamp()
    transaction.on_commit(stamp)


def learners_changed(learner_ids: Iterable[int], *, also_mentors: Iterable[int | None] = ()) -> None:
    """A change to these learners' data: their pages, their mentors' and staff's are stale."""
    from progress.models import Enrolment

    if not enabled():
        return
    learner_ids = set(learner_ids)
    mentors = set(also_mentors) | set(
        Enrolment.objects.filter(learner_id__in=learner_ids, mentor__isnull=False).values_list(
            "mentor_id", flat=True
        )
    )
    scopes = [learner_scope(pk) for pk in learner_ids]
    scopes += [mentor_scope(pk) for pk in mentors if pk is not None]
    bump([*scopes, ALL_LEARNERS])


def watch(
    model: type[Model],
    learner_ids: Callable[[Any], Iterable[int]] | None = None,
    mentor_ids: Callable[[Any], Iterable[int | None]] = lambda instance: (),
    scope: str = CURRICULUM,
) -> None:
    """Bump on every save or delete of `model`: the learners (and mentors) it names, else `scope`."""

    def changed(sender: type[Model], instance: Model, **kwargs: object) -> None:
        if learner_ids is None:
            bump([scope])
        else:
            learners_changed(learner_ids(instance), also_mentors=mentor_ids(instance))

    uid = f"page-cache:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def learner_of_enrolment(instance: Any) -> list[int]:
    """For models with an `enrolment` foreign key."""
    from progress.models import Enrolment

    return list(Enrolment.objects.filter(pk=instance.enrolment_id).values_list("learner_id", flat=True))


def lookup_keys(entry_key: str, scopes: Sequence[str]) -> list[str]:
    """What a lookup of `entry_key` reads: the scopes' stamps, then the entry (lms.prefetch reads them
    up front)."""
    return [*(_version_key(scope) for scope in scopes), entry_key]


def page_entry_key(key: str) -> str:
    return f"page:{key}"


def value_entry_key(key: str) -> str:
    return f"value:{key}"


def _stamps(scopes: Sequence[str], entry_key: str) -> tuple[dict[str, str], Any] | None:
    """The scopes' current stamps and the cached entry; None when the cache does not answer."""
    wanted = lookup_keys(entry_key, scopes)
    keys = wanted[:-1]  # the stamps
    found = prefetch.lookup(wanted)
    if found is not None and all(key in found for key in keys):
        return {key: found[key] for key in keys}, found.get(entry_key)
    try:
        found = cache.get_many(wanted)
        for key in keys:
            if key not in found:  # never stamped, or evicted: stamp it now (add: one stamp wins)
                cache.add(key, uuid.uuid4().hex, timeout=None)
                found[key] = cache.get(key)
    except CACHE_ERRORS as error:
        logger.warning("page cache: not answering, reading from the database (%s)", error)
        return None
    return {key: found[key] for key in keys}, found.get(entry_key)


def _store(key: str, entry: dict[str, Any], timeout: int) -> None:
    try:
        cache.set(key, entry, timeout=timeout)
    except CACHE_ERRORS as error:
        logger.warning("page cache: could not store %s (%s)", key, error)


def cached_value(key: str, *, scopes: Sequence[str], load: Callable[[], T], seconds: int) -> T:
    """`load()`'s value, kept until one of `scopes` is bumped, `seconds` at most."""
    entry_key = value_entry_key(key)
    looked_up = _stamps(scopes, entry_key) if enabled() else None
    if looked_up is None:
        return load()
    stamps, entry = looked_up
    now = time.time()
    if entry and entry["stamps"] == stamps and entry["built"] <= now:
        return cast(T, entry["value"])
    value = load()
    _store(entry_key, {"stamps": stamps, "built": now, "value": value}, seconds)
    return value


def cached_page(
    request: HttpRequest,
    *,
    key: str,
    scopes: Sequence[str],
    build: Callable[[], tuple[str, dict[str, Any], datetime]],
) -> HttpResponse:
    """The page: from the cache when its stamps match and it is still true, else rendered.

    `build` returns (template name, context, until when the page is true); it runs only on a miss,
    so it should do all the page's reads. The site's frame (menu) depends on the user's roles, which
    the entry records and a read compares; a response that carries messages is neither read from nor
    written to the cache.
    """
    user = request.user
    roles = [user.is_staff, getattr(user, "is_mentor", False)]
    page_key = page_entry_key(key)
    use_cache = enabled() and not _messages_waiting(request)
    looked_up = _stamps(scopes, page_key) if use_cache else None
    if looked_up is not None:
        stamps, entry = looked_up
        now = time.time()
        if (
            entry
            and entry["stamps"] == stamps
            and entry.get("roles") == roles
            and entry["built"] <= now < entry["until"]
            and isinstance(entry["html"], bytes)  # entries of earlier releases held text
        ):
            return _response(entry["html"], request)
    template, context, until = build()
    rendered = render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request=request)
    # Encoded once here, and cached and sent as bytes: no decoding on a hit, no encoding per response.
    html = _without_indentation(rendered).encode()
    if looked_up is not None:
        now = time.time()
        lifetime = min(until.timestamp() - now, settings.PAGE_CACHE_SECONDS)
        if lifetime > 0:
            entry = {
                "stamps": stamps,
                "roles": roles,
                "built": now,
                "until": now + lifetime,
                "html": html,
            }
            _store(page_key, entry, int(lifetime) + 1)
    return _response(html, request)


def _without_indentation(html: str) -> str:
    """The template's line breaks kept, its indentation and blank lines dropped (a sixth of the schedule's
    bytes, sent on every visit). A run of white space renders as one space either way, except in
    preformatted elements: a page with any is left as it is."""
    if "<pre" in html or "<textarea" in html:
        return html
    return _INDENTATION.sub("\n", html)


def _messages_waiting(request: HttpRequest) -> bool:
    """Messages (e.g. "Saved.") are stored in a cookie, else in the session, until shown."""
    return CookieStorage.cookie_name in request.COOKIES or SessionStorage.session_key in request.session


def _response(html: bytes, request: HttpRequest) -> HttpResponse:
    return HttpResponse(html.replace(CSRF_PLACEHOLDER.encode(), csrf_token(request).encode()))
