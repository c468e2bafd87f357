"""Every enrolment's standing computed once, and the periodic refresh as a beat row (editable in admin).

The standings are written by the same service that keeps them (progress.standings.standings_rebuild_all,
also `manage.py rebuild_standings`): its schema is this migration's.
"""

from django.db import migrations

TASK_NAME = "Refresh standings whose week started"
TASK = "progress.tasks.refresh_due_standings"


def build_standings(apps, schema_editor):
    from progress.standings import standings_rebuild_all

    standings_rebuild_all()


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    quarter_hours, _ = CrontabSchedule.objects.get_or_create(
        minute="*/15", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        crontab=quarter_hours,
        enabled=True,
        description="A learner's week starts at their midnight, which falls on a quarter hour in every "
        "time zone: refreshes the stored standings that changed then (see progress/models.py).",
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_standing"),
        ("curriculum", "0002_alter_week_number"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(build_standings, migrations.RunPython.noop),
        migrations.RunPython(create_schedule, delete_schedule),
    ]
