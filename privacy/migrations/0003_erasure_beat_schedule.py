"""The beat row for the erasure of accounts whose deletion's grace period has ended: every hour.

A data migration, as the sweep's: the row then belongs to the admins (Periodic tasks).
"""

from django.db import migrations

TASK_NAME = "Erase deleted accounts"
TASK = "privacy.tasks.erase_due_accounts"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        interval=hourly,
        enabled=True,
        description="Erases the accounts whose deletion was requested and whose grace period has ended, "
        "unless their user logged in meanwhile (see privacy/README.md).",
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_sweep_beat_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
