"""Beat catches up on a tick it could not send while the broker was down (issue 37, lms.beat).

Before: Celery's scheduler moved a due entry's last run to "now" before sending it, and the failed send
was only logged: a weekly entry (the notices digest) waited a week. Against a real redis-server of the
test's own, stopped while the entry falls due and started again.
"""

from datetime import timedelta

import pytest
import redis
from celery import Celery
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from lms.beat import CatchUpScheduler

TASK = "notifications.tasks.send_notice_digests"


def queued_tasks(url: str) -> list[str]:
    """The names of the tasks waiting in the default queue of the Redis broker at `url`."""
    import json

    client = redis.Redis.from_url(url)
    return [json.loads(body)["headers"]["task"] for body in client.lrange("celery", 0, -1)]


@pytest.mark.django_db(transaction=True)
def test_a_tick_refused_while_the_broker_is_down_is_sent_once_it_is_back(own_redis, settings):
    settings.BEAT_SEND_RETRY_SECONDS = 0.1
    PeriodicTask.objects.update(enabled=False)  # the migrations' entries: only this one is due
    weekly, _ = IntervalSchedule.objects.get_or_create(every=7, period=IntervalSchedule.DAYS)
    a_week_ago = timezone.now() - timedelta(days=7, minutes=1)
    entry = PeriodicTask.objects.create(
        name="Weekly digest (test)", task=TASK, interval=weekly, last_run_at=a_week_ago
    )
    app = Celery("beat-test", set_as_current=False)
    # (the environment's CELERY_BROKER_URL would win over a `broker` argument)
    app.conf.update(broker_url=own_redis.url, broker_write_url=own_redis.url, broker_connection_max_retries=1)
    scheduler = CatchUpScheduler(app=app)
    assert scheduler.producer  # connected while the broker was up, as a running beat is

    own_redis.stop()
    for _ in range(3):  # three ticks while the broker is down: each send fails
        assert scheduler.tick() >= settings.BEAT_SEND_RETRY_SECONDS
    scheduler.sync()
    entry.refresh_from_db()
    assert entry.last_run_at == a_week_ago  # still due: the lost ticks did not count as runs
    assert entry.total_run_count == 0

    own_redis.start()
    for _ in range(5):
        scheduler.tick()
        if queued_tasks(own_redis.url):
            break
    assert queued_tasks(own_redis.url) == [TASK]  # sent once, as soon as the broker was back
    scheduler.sync()
    entry.refresh_from_db()
    assert entry.last_run_at > a_week_ago
    assert entry.total_run_count == 1
    for _ in range(3):  # and not again: the next run is a week away
        scheduler.tick()
    assert queued_tasks(own_redis.url) == [TASK]
