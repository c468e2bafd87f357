"""MentorDigestLog goes: the outbox (notifications.Email) is the record of every digest now.

The digests already sent are copied into the outbox first, as sent rows under the key the digest uses
now (`digest:<mentor>:<monday>`, without their bodies, which were never stored), so that a run in the
same week after the upgrade does not send them again. Digests not sent are not copied: the next run
composes and sends them through the outbox. One INSERT … SELECT.
"""

from django.db import migrations

SUBJECT = "(a digest sent before the outbox: its text was not kept)"


def copy_sent_digests(apps, schema_editor):
    MentorDigestLog = apps.get_model("mentoring", "MentorDigestLog")
    Email = apps.get_model("notifications", "Email")
    User = MentorDigestLog._meta.get_field("mentor").related_model
    quote = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    monday = "to_char(log.week_starting, 'YYYY-MM-DD')" if postgresql else "log.week_starting"
    empty_headers = "CAST('{}' AS jsonb)" if postgresql else "'{}'"
    schema_editor.execute(
        f"""
        INSERT INTO {quote(Email._meta.db_table)}
            (recipient_id, {quote("to")}, kind, {quote("key")}, subject, text, html, headers, notice, link,
             status, attempts, last_error, claimed_at, sent_at, created_at)
        SELECT log.mentor_id, mentor.email, 'mentor_digest', 'digest:' || log.mentor_id || ':' || {monday},
               %s, '', '', {empty_headers}, '', '', 'sent', log.attempts, '', log.claimed_at, log.sent_at,
               log.created_at
        FROM {quote(MentorDigestLog._meta.db_table)} log
        JOIN {quote(User._meta.db_table)} mentor ON mentor.id = log.mentor_id
        WHERE log.status = 'sent' AND mentor.email <> ''
        ON CONFLICT DO NOTHING
        """,
        [SUBJECT],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0002_digest_schedule"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_sent_digests, migrations.RunPython.noop),
        migrations.DeleteModel(name="MentorDigestLog"),
    ]
