"""The shared cache's backend (lms/cache.py): one connection per process, and the MGET of every page
sent on it directly. Each test has a redis-server of its own, which it may pause, cut off or restart."""

import os
import time

import pytest
import redis

from lms.cache import OneConnectionRedisCache


def cache_on(url: str, *, timeout: float = 0.5) -> OneConnectionRedisCache:
    return OneConnectionRedisCache(
        url, {"OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout}}
    )


def test_get_many_returns_what_was_stored_and_leaves_out_what_was_not(own_redis):
    cache = cache_on(own_redis.url)
    cache.set_many({"text": "é", "counter": 7, "negative": -3, "nested": {"a": [1, 2]}, "nothing": None})
    cache.incr("counter")  # stored as digits, not pickled

    found = cache.get_many(["text", "counter", "negative", "nested", "nothing", "missing", "text"])

    assert found == {"text": "é", "counter": 8, "negative": -3, "nested": {"a": [1, 2]}, "nothing": None}


def test_a_connection_the_server_closed_is_replaced_within_the_same_read(own_redis):
    cache = cache_on(own_redis.url)
    cache.set("key", "value")
    assert cache.get_many(["key"]) == {"key": "value"}

    ours = cache._cache.get_client().client_id()
    killed = redis.Redis.from_url(own_redis.url).client_kill_filter(_id=ours)

    assert killed == 1
    assert cache.get_many(["key"]) == {"key": "value"}


def test_with_the_server_gone_a_read_fails_as_a_redis_error_and_works_again_once_it_is_back(own_redis):
    cache = cache_on(own_redis.url)
    cache.set("key", "before")
    own_redis.stop()

    with pytest.raises(redis.RedisError):  # what lms.page_cache and lms.prefetch treat as a miss
        cache.get_many(["key"])

    own_redis.start()  # empty: it keeps nothing on disk
    cache.set("key", "after")
    assert cache.get_many(["key"]) == {"key": "after"}


def test_a_reply_that_comes_too_late_is_never_read_as_the_reply_to_the_next_read(own_redis):
    cache = cache_on(own_redis.url, timeout=0.2)
    cache.set_many({"first": "one", "second": "two"})
    redis.Redis.from_url(own_redis.url).execute_command("CLIENT", "PAUSE", 600, "ALL")

    with pytest.raises(redis.TimeoutError):
        cache.get_many(["first"])  # its reply comes once the pause ends, on a connection since closed

    time.sleep(0.7)
    assert cache.get_many(["second"]) == {"second": "two"}


def test_a_forked_process_reads_on_a_connection_of_its_own(own_redis):
    cache = cache_on(own_redis.url)
    cache.set_many({"parent": "P", "child": "C"})
    parent_connection_id = cache._cache.get_client().client_id()
    read_end, write_end = os.pipe()

    pid = os.fork()
    if pid == 0:  # the child: report, never return into pytest
        try:
            own_id = cache._cache.get_client().client_id()
            reads = [cache.get_many(["child"]) for _ in range(200)]
            ok = own_id != parent_connection_id and all(found == {"child": "C"} for found in reads)
            os.write(write_end, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write_end)  # so that the read below ends when the child does, whatever it did
    parent_reads = [cache.get_many(["parent"]) for _ in range(200)]
    os.waitpid(pid, 0)

    assert os.read(read_end, 1) == b"1"
    assert all(found == {"parent": "P"} for found in parent_reads)
    assert cache._cache.get_client().client_id() == parent_connection_id
