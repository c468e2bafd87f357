"""The certificate's lifecycle state as a column (credentials.lifecycle): certificates issued before are
"issued", or "revoked" when they were."""

from django.conf import settings
from django.db import migrations, models


def state_from_revocation(apps, schema_editor):
    Certificate = apps.get_model("credentials", "Certificate")
    Certificate.objects.filter(revoked_at__isnull=True).update(state="issued")
    Certificate.objects.filter(revoked_at__isnull=False).update(state="revoked")


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0004_random_status_index"),
        ("curriculum", "0003_resource_web_links"),
        ("progress", "0008_standing_reminder_facts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="state",
            field=models.CharField(
                choices=[
                    ("awaiting_name", "Awaiting the learner's name"),
                    ("issued", "Issued"),
                    ("revoked", "Revoked"),
                ],
                default="awaiting_name",
                editable=False,
                help_text="Written only through credentials.lifecycle (the services ask it first).",
                max_length=20,
            ),
        ),
        migrations.RunPython(state_from_revocation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="issued_at",
            field=models.DateTimeField(help_text="When issued (while awaiting a name: when signed off)."),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="recipient_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("revoked_at__isnull", False), ("state", "revoked")),
                    models.Q(("revoked_at__isnull", True), ("state__in", ["awaiting_name", "issued"])),
                    _connector="OR",
                ),
                name="certificate_state_matches_revoked_at",
            ),
        ),
    ]
