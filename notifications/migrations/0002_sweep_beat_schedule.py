"""The beat row for the outbox sweep, which queues again the e-mails left unsent: every 5 minutes.

A data migration rather than CELERY_BEAT_SCHEDULE, so the row is created once and then belongs to the
admins (Periodic tasks): the DatabaseScheduler does not overwrite edits when beat starts.
"""

from django.db import migrations

TASK_NAME = "Re-queue unsent e-mails"
TASK = "notifications.tasks.sweep_emails"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        interval=every_five_minutes,
        enabled=True,
        description="Sends the outbox's e-mails whose task was lost, whose retries stopped, or whose worker "
        "died (see notifications/README.md).",
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
