"""What a reminder says, stored on the standing (the first open week, the overdue weeks, the current
week's dates), so that the weekly run composes from it without building schedules; every standing is
recomputed by the service that keeps them (as in 0003)."""

from django.db import migrations, models


def build_standings(apps, schema_editor):
    from progress.standings import standings_rebuild_all

    standings_rebuild_all()


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0007_progress_marked_at_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="standing",
            name="current_ends_on",
            field=models.DateField(help_text="The current week's planned last day.", null=True),
        ),
        migrations.AddField(
            model_name="standing",
            name="current_starts_on",
            field=models.DateField(help_text="The current week's planned first day.", null=True),
        ),
        migrations.AddField(
            model_name="standing",
            name="first_open_week",
            field=models.PositiveSmallIntegerField(
                help_text="The first week not completed (none once every week is).", null=True
            ),
        ),
        migrations.AddField(
            model_name="standing",
            name="overdue_weeks",
            field=models.JSONField(default=list, help_text="The overdue weeks' numbers, in order."),
        ),
        migrations.RunPython(build_standings, migrations.RunPython.noop),
    ]
