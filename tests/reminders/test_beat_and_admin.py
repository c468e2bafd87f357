"""The beat schedule row the migration creates. (The reminders' record is the outbox: its admin is
tested in tests/notifications/test_admin.py.)"""

from django_celery_beat.models import PeriodicTask

from lms.celery import app


def test_the_weekly_task_runs_every_quarter_hour_and_is_editable_in_admin(db):
    task = PeriodicTask.objects.select_related("crontab").get(name="Weekly reminders")
    assert task.task == "reminders.tasks.send_weekly_reminders"
    assert task.task in app.tasks
    assert task.enabled
    crontab = task.crontab
    # each learner's own weekday and hour in their zone (User.reminder_due_at) falls on a quarter hour
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("*/15", "*", "*")
    assert str(crontab.timezone) == "UTC"
