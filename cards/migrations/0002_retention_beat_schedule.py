"""The beat row for the daily refresh of learners' stored retention estimates (they decay with time).

A data migration rather than CELERY_BEAT_SCHEDULE, so the row belongs to the admins (Periodic tasks).
"""

from django.db import migrations

TASK_NAME = "Refresh review-card retention estimates"
TASK = "cards.tasks.refresh_retention_estimates"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    daily, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        interval=daily,
        enabled=True,
        description="Recomputes each learner's estimated retention shown in the mentor table.",
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cards", "0001_cards"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
