"""Django's Redis cache, with one connection per process and lighter reads of many keys.

A cached page is read with one MGET (lms.prefetch) and costs well under a millisecond, so what Django
and redis-py do around that round trip counts:

- Django's client builds a new `redis.Redis` for every cache call, and redis-py builds its table of
  ~200 response callbacks in each constructor. One client per process is enough.
- A pooled client takes a connection from the pool and gives it back on every command, checking it
  has nothing left to read (a system call). A process of this project serves one request at a time,
  so the client keeps one connection (redis-py's `single_connection_client`, which serialises threads
  with a lock and reconnects after an error). Clients are per process id: a connection opened before a
  fork (a Celery prefork worker, gunicorn with --preload) is never shared with the children.
- redis-py's client wraps each command in retries, metrics hooks and argument checks: ~40 µs of CPU
  for an MGET whose round trip costs ~30. `get_many`, the read of every page, sends the MGET on the
  client's connection itself (redis-py's Connection API: a connection that fails mid-command is
  closed, so a late reply can never be read as the next command's), once more on a new connection
  when the server had closed this one. It also skips Django's character-by-character check of every
  key for memcached's rules, which only warns and which this project's keys meet: ~2 µs a key.
- Django's serializer tries `int()` on every value before unpickling it (integers are stored as
  digits, for INCR): every pickled value raised and caught a ValueError first.
"""

import os
import pickle
from typing import Any, cast

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer
from redis.exceptions import ConnectionError as RedisConnectionError


class PickleFirstSerializer(RedisSerializer):
    def loads(self, data: Any) -> Any:
        # Django's dumps pickles everything but integers; a pickle starts with the PROTO opcode.
        return pickle.loads(data) if data[:1] == pickle.PROTO else int(data)


class OneConnectionRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._serializer = PickleFirstSerializer()
        self._clients: dict[tuple[int, int], Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        slot = (os.getpid(), index)
        client = self._clients.get(slot)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            # Connects now: with Redis down this raises (a RedisError), and the next call tries again.
            client = self._clients[slot] = redis.Redis(connection_pool=pool, single_connection_client=True)
        return client

    def get_many(self, keys: Any) -> Any:
        client = self.get_client()
        with client.single_connection_lock:
            try:
                values = self._mget(client.connection, keys)
            except RedisConnectionError:  # closed by the server (restart, idle timeout): a new one
                values = self._mget(client.connection, keys)
        loads = self._serializer.loads
        return {key: loads(value) for key, value in zip(keys, values, strict=True) if value is not None}

    @staticmethod
    def _mget(connection: Any, keys: list[str]) -> list[bytes | None]:
        connection.send_command("MGET", *keys)
        return cast(list[bytes | None], connection.read_response())


class OneConnectionRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = OneConnectionRedisCacheClient

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        key_map = {self.make_key(key, version=version): key for key in keys}
        found = self._cache.get_many(list(key_map))  # type: ignore[attr-defined]
        return {key_map[key]: value for key, value in found.items()}
