"""Certificates take random positions in the revocation list. Those issued before keep their row id:
the signed credentials their learners hold name it as their `statusListIndex`, and moving them would
quietly un-revoke a revoked one for every verifier holding the old credential."""

import django.db.models.functions
from django.db import migrations, models

import credentials.models


def keep_published_indexes(apps, schema_editor):
    Certificate = apps.get_model("credentials", "Certificate")
    Certificate.objects.update(status_index=django.db.models.functions.Cast("pk", models.IntegerField()))


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0003_portfolio_addresses"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(null=True, editable=False),
        ),
        migrations.RunPython(keep_published_indexes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(
                default=credentials.models.new_status_index,
                editable=False,
                help_text="The certificate's bit in the published revocation list (random; certificates "
                "issued before random allocation keep the row id their signed credentials name).",
                unique=True,
            ),
        ),
    ]
