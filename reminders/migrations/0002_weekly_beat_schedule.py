"""The default beat schedule: weekly reminders every Monday at 08:00 UTC.

A data migration rather than CELERY_BEAT_SCHEDULE, so the row is created once and then belongs to the
admins: the DatabaseScheduler does not overwrite it when beat starts, and editing or disabling it in
admin (Periodic tasks) sticks. One UTC time for everybody keeps one run per week; each learner's
current week is still computed on their own calendar date.
"""

from django.db import migrations

TASK_NAME = "Weekly reminders"
TASK = "reminders.tasks.send_weekly_reminders"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    monday_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="1", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        crontab=monday_morning,
        enabled=True,
        description="E-mails every active learner their week (see reminders/README.md).",
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
