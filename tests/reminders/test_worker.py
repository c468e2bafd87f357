"""The wiring: the beat task fans out through Redis to a real worker, whose batches fill the outbox,
whose tasks (on the same worker) send."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Email
from reminders.tasks import send_weekly_reminders
from tests.reminders.conftest import make_enrolment


@pytest.mark.celery_worker
def test_the_beat_task_fans_batches_out_to_a_worker_which_sends(celery_worker):
    now = timezone.now()
    today = now.date()
    for name in ("ada", "bob", "cleo"):
        make_enrolment(name, start=today - timedelta(weeks=4), now=now)

    assert send_weekly_reminders.delay(batch_size=2).get(timeout=20) == 2  # batches of 2: ada+bob, cleo

    deadline = time.monotonic() + 20
    while Email.objects.filter(status="sent").count() < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ada@example.com",
        "bob@example.com",
        "cleo@example.com",
    ]
    assert set(Email.objects.values_list("kind", "status")) == {("reminder_weekly", "sent")}
    assert {key.split(":")[2] for key in Email.objects.values_list("key", flat=True)} == {"5"}  # the week
