"""The beat row for the data-export sweep (expired links, downloaded zips, lost builds): every 15 minutes.

A data migration, as notifications' sweep: the row then belongs to the admins (Periodic tasks).
"""

from django.db import migrations

TASK_NAME = "Sweep data exports"
TASK = "privacy.tasks.sweep_data_exports"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    every_15_minutes, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        interval=every_15_minutes,
        enabled=True,
        description="Expires unused data-export links, deletes the zips of downloaded and expired exports, "
        "and queues again the exports whose build was lost (see privacy/README.md).",
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
