"""The outbox sweep every 30 seconds instead of every 5 minutes: with the 30-second stale claim
(EMAIL_OUTBOX_STALE_CLAIM_SECONDS), a dead worker's e-mails go within a minute. The row's interval is
changed only where it is still 0002's (an admin's own choice is left alone)."""

from django.db import migrations

TASK_NAME = "Re-queue unsent e-mails"


def _move(apps, *, was: tuple[int, str], to: tuple[int, str]) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    task = PeriodicTask.objects.filter(
        name=TASK_NAME, interval__every=was[0], interval__period=was[1]
    ).first()
    if task is None:
        return
    task.interval, _ = IntervalSchedule.objects.get_or_create(every=to[0], period=to[1])
    task.save(update_fields=["interval"])


def every_30_seconds(apps, schema_editor):
    _move(apps, was=(5, "minutes"), to=(30, "seconds"))


def every_5_minutes(apps, schema_editor):
    _move(apps, was=(30, "seconds"), to=(5, "minutes"))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_email_bodies_lz4"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_30_seconds, every_5_minutes)]
