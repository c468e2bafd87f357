"""The beat row for the sweep that re-queues submissions left pending: every 2 minutes.

A data migration rather than CELERY_BEAT_SCHEDULE, so the row is created once and then belongs to the
admins (Periodic tasks): the DatabaseScheduler does not overwrite edits when beat starts.
"""

from django.db import migrations

TASK_NAME = "Re-queue pending quiz submissions"
TASK = "assessments.tasks.sweep_pending_submissions"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    every_two_minutes, _ = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        interval=every_two_minutes,
        enabled=True,
        description="Grades submissions whose grading task was never queued or was lost.",
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
