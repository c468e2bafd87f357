"""The beat schedule row the migration creates. (The reminders' record is the outbox: its admin is
tested in tests/notifications/test_admin.py.)"""

from django_celery_beat.models import PeriodicTask

from lms.celery import app


def test_the_weekly_task_is_scheduled_on_monday_at_eight_utc_and_editable_in_admin(db):
    task = PeriodicTask.objects.select_related("crontab").get(name="Weekly reminders")
    assert task.task == "reminders.tasks.send_weekly_reminders"
    assert task.task in app.tasks
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "8", "1")
    assert str(crontab.timezone) == "UTC"
