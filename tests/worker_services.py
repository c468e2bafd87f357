"""Redis databases of each test process's own, under pytest-xdist (`-n`).

Loaded as a plugin (`-p tests.worker_services`, pyproject's addopts), so it runs before pytest-django
reads the settings. pytest-django gives each xdist worker a database of its own (`test_lms_gw1`…); this
gives each its own Redis databases for the Celery broker and the cache, as the test command sets them
for one process. Shared, one worker's Celery worker would take the other's tasks, and a test's
`cache.clear()` would empty the other's sessions and rate-limit counters mid-test.

Worker N moves each Redis URL down by twice N databases (broker 14 and cache 15 become 12 and 13 for
gw1): the pair stays apart from every other worker's.
"""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16
"""Redis's default number of databases (`databases` in redis.conf)."""


def worker_redis_url(url: str, worker: int) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or worker == 0:
        return url
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database - 2 * worker) % REDIS_DATABASES}"))


def _worker_number() -> int:
    name = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"…; unset without -n
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0


_worker = _worker_number()
if 2 * _worker >= REDIS_DATABASES:
    # Worker 8 would share worker 0's pair: refuse rather than let two workers' tasks and caches mix.
    raise RuntimeError(f"at most {REDIS_DATABASES // 2} test processes: each takes two Redis databases")
for _name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"):
    if _name in os.environ:
        os.environ[_name] = worker_redis_url(os.environ[_name], _worker)
