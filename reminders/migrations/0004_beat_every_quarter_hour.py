"""The "Weekly reminders" beat row runs every quarter hour: each learner's reminder goes at their own weekday and hour
in their own zone (a stored next time, User.reminder_due_at; accounts/weekly.py), and zones' hours fall on
quarter hours. Only a row still on its first weekly crontab moves: one an admin edited stays as it is."""

from django.db import migrations

TASK_NAME = "Weekly reminders"


def every_quarter_hour(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    row = PeriodicTask.objects.filter(name=TASK_NAME, crontab__day_of_week="1").first()
    if row is None:
        return
    quarter_hours, _ = CrontabSchedule.objects.get_or_create(
        minute="*/15", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    row.crontab = quarter_hours
    row.save(update_fields=["crontab"])


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_reminder_log_to_outbox"),
        ("accounts", "0005_person_locale_and_weekly_emails"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_quarter_hour, migrations.RunPython.noop)]
