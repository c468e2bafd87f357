"""Each test process of the parallel suite has Redis databases of its own (tests/worker_services.py)."""

from tests.worker_services import REDIS_DATABASES, worker_redis_url

BROKER, CACHE = "redis://127.0.0.1:6379/14", "redis://127.0.0.1:6379/15"


def test_the_first_process_keeps_the_urls_the_test_command_sets():
    assert worker_redis_url(BROKER, 0) == BROKER
    assert worker_redis_url(CACHE, 0) == CACHE


def test_every_process_has_a_broker_and_a_cache_no_other_process_uses():
    processes = range(REDIS_DATABASES // 2)
    databases = [worker_redis_url(url, n) for n in processes for url in (BROKER, CACHE)]
    assert len(set(databases)) == 2 * len(processes)
    assert worker_redis_url(CACHE, 1) == "redis://127.0.0.1:6379/13"


def test_urls_of_other_services_are_left_as_they_are():
    assert worker_redis_url("memory://", 3) == "memory://"
    assert worker_redis_url("locmemcache://", 3) == "locmemcache://"
