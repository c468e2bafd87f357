"""A cache that keeps answering when the shared one (Redis) does not: rate limits and throttles.

Django's Redis backend lets redis-py's errors through, so a limit read from Redis before a view turns an
outage into a 500 on every log-in and every API write. Wrapped here, a call that fails goes to a cache of
this process's own (LocMemCache) instead, and for BREAK_SECONDS no call tries Redis at all (each try
waits for the connection timeout). The direction is documented in the README: while Redis is down, log-in
limits and API write throttles count per process — still bounding guesses and writes, by the number of
web processes times the limit — and pick up Redis again by themselves.
"""

import logging
import time
from typing import Any

from django.core.cache import cache as shared_cache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

CACHE_ERRORS = (RedisError, OSError)
BREAK_SECONDS = 5.0
logger = logging.getLogger(__name__)


class FallbackCache:
    """The subset of Django's cache API that allauth's rate limits and DRF's throttles use."""

    def __init__(self) -> None:
        self.local = LocMemCache("lms-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self.broken_until = 0.0

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self.broken_until:
            try:
                return getattr(shared_cache, name)(*args, **kwargs)
            except CACHE_ERRORS as error:
                self.broken_until = time.monotonic() + BREAK_SECONDS
                logger.warning("cache not answering: limits count in this process for now (%s)", error)
        return getattr(self.local, name)(*args, **kwargs)

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        self._call("set", key, value, timeout)

    def add(self, key: str, value: Any, timeout: Any = None) -> bool:
        return self._call("add", key, value, timeout)

    def delete(self, key: str) -> bool:
        return self._call("delete", key)


fallback_cache = FallbackCache()
