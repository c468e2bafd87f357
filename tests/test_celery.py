import pytest

from lms.celery import ping


@pytest.mark.celery_worker
def test_a_real_worker_on_redis_returns_a_result(celery_worker):
    assert celery_worker.conf.task_always_eager is False
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.status == "SUCCESS"
