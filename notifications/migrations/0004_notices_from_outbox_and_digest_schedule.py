"""Notices that were e-mails with a `notice` text become Notice rows (same key, text, link, time; read:
they were shown on the dashboard before the bell existed), and the weekly notices digest's beat row
(Mondays 07:30 UTC, editable in admin → Periodic tasks)."""

from django.db import migrations

TASK_NAME = "Weekly notices digest"


def forwards(apps, schema_editor):
    Email = apps.get_model("notifications", "Email")
    Notice = apps.get_model("notifications", "Notice")
    rows = Email.objects.exclude(notice="").order_by("id").iterator(chunk_size=2000)
    batch = []
    for email in rows:
        batch.append(
            Notice(
                recipient_id=email.recipient_id, kind=email.kind, key=email.key, title=email.subject,
                text=email.notice, link=email.link, delivery="email", created_at=email.created_at,
                read_at=email.created_at,
            )
        )  # fmt: skip
        if len(batch) == 2000:
            Notice.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notice.objects.bulk_create(batch, ignore_conflicts=True)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="7", day_of_week="1", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME, defaults={"task": "notifications.tasks.send_notice_digests", "crontab": crontab}
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
