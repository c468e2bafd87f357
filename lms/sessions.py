"""Sessions read from the shared cache, written to the database and the cache (Django's `cached_db`),
that keep working from the database when the cache does not answer.

Django's `cached_db` already survives a failed cache read and a failed cache write on save, but not the
write-back after reading from the database, nor the check for a free key of a new session: with Redis
down, every logged-in request would fail. Deleting (log-out) still fails loudly when the cache does not
answer, so that a session the cache may still hold is never reported as ended.
"""

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from redis.exceptions import RedisError

# What a cache that does not answer raises (Django's Redis backend lets redis-py's errors through).
CACHE_ERRORS = (RedisError, OSError)
logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict[str, Any]:
        try:
            return super().load()
        except CACHE_ERRORS as error:
            logger.warning("sessions: cache not answering, reading from the database (%s)", error)
            return DatabaseSessionStore.load(self)

    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except CACHE_ERRORS:
            return DatabaseSessionStore.exists(self, session_key)

    def cycle_key(self) -> None:
        """A new key for the same data (log-in). The old key is deleted; when the cache does not answer,
        from the database only — allowed for a session nobody was logged in to (it holds nothing worth
        taking over), so that logging in works while Redis is down; otherwise the error stands."""
        data = self._session  # type: ignore[attr-defined]
        key = self.session_key
        self.create()
        self._session_cache = data
        if not key:
            return
        try:
            self.delete(key)
        except CACHE_ERRORS as error:
            if "_auth_user_id" in data:
                raise
            logger.warning(
                "sessions: cache not answering, old anonymous session deleted from the database (%s)", error
            )
            DatabaseSessionStore.delete(self, key)
