"""The beat row for the sweep that re-queues runs of learners' code left waiting: every 2 minutes.

A data migration rather than CELERY_BEAT_SCHEDULE, so the row belongs to the admins once created
(Periodic tasks), as assessments' sweep does.
"""

from django.db import migrations

TASK_NAME = "Re-queue waiting code exercise runs"
TASK = "exercises.tasks.sweep_runs"


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
        description="Runs learners' code whose task was never queued, was lost, or whose worker died.",
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
