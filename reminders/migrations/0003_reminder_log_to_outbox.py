"""ReminderLog goes: the outbox (notifications.Email) is the record of every reminder now.

The reminders already sent are copied into the outbox first, as sent rows under the key the reminders
use now (`reminder:<enrolment>:<week>:<kind>`, without their bodies, which were never stored), so that
a run in the same week after the upgrade does not send them again. Rows that were not sent (pending,
failed, or left "sending") are not copied: the next run composes and sends them through the outbox.
One INSERT … SELECT, whatever the number of rows.
"""

from django.db import migrations

SUBJECT = "(a reminder sent before the outbox: its text was not kept)"


def copy_sent_reminders(apps, schema_editor):
    ReminderLog = apps.get_model("reminders", "ReminderLog")
    Enrolment = apps.get_model("progress", "Enrolment")
    Email = apps.get_model("notifications", "Email")
    User = Enrolment._meta.get_field("learner").related_model
    quote = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    empty_headers = "CAST('{}' AS jsonb)" if postgresql else "'{}'"
    schema_editor.execute(
        f"""
        INSERT INTO {quote(Email._meta.db_table)}
            (recipient_id, {quote("to")}, kind, {quote("key")}, subject, text, html, headers, notice, link,
             status, attempts, last_error, claimed_at, sent_at, created_at)
        SELECT enrolment.learner_id, learner.email, 'reminder_' || log.kind,
               'reminder:' || log.enrolment_id || ':' || log.week || ':' || log.kind,
               %s, '', '', {empty_headers}, '', '', 'sent', log.attempts, '', log.claimed_at, log.sent_at,
               log.created_at
        FROM {quote(ReminderLog._meta.db_table)} log
        JOIN {quote(Enrolment._meta.db_table)} enrolment ON enrolment.id = log.enrolment_id
        JOIN {quote(User._meta.db_table)} learner ON learner.id = enrolment.learner_id
        WHERE log.status = 'sent' AND learner.email <> ''
        ON CONFLICT DO NOTHING
        """,
        [SUBJECT],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_weekly_beat_schedule"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_sent_reminders, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReminderLog"),
    ]
