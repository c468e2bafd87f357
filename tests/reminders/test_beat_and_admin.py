"""The beat schedule row the migration creates, and the read-only admin log."""

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from freezegun import freeze_time

from lms.celery import app
from reminders.models import ReminderLog
from tests.reminders.conftest import RUN, run_reminders


def test_the_weekly_task_is_scheduled_on_monday_at_eight_utc_and_editable_in_admin(db):
    task = PeriodicTask.objects.select_related("crontab").get(name="Weekly reminders")
    assert task.task == "reminders.tasks.send_weekly_reminders"
    assert task.task in app.tasks
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "8", "1")
    assert str(crontab.timezone) == "UTC"


@pytest.fixture
def logs(enrol):
    with freeze_time(RUN):
        enrol("ada")
        enrol("bob", completed=[1])
        run_reminders()


def test_staff_see_the_log_filter_it_and_search_by_e_mail(client, staff, logs, django_assert_max_num_queries):
    client.force_login(staff)
    url = reverse("admin:reminders_reminderlog_changelist")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert "ada@example.com" in page.content.decode()
    found = client.get(url, {"q": "bob@example.com", "kind__exact": "behind", "status__exact": "sent"})
    assert "bob@example.com" in found.content.decode()
    assert "ada@example.com" not in found.content.decode()


def test_the_log_is_read_only(client, staff, logs):
    client.force_login(staff)
    log = ReminderLog.objects.first()
    assert client.get(reverse("admin:reminders_reminderlog_add")).status_code == 403
    change = client.post(reverse("admin:reminders_reminderlog_change", args=[log.pk]), {"status": "pending"})
    assert change.status_code == 403
    assert client.get(reverse("admin:reminders_reminderlog_delete", args=[log.pk])).status_code == 403
    log.refresh_from_db()
    assert log.status == "sent"
