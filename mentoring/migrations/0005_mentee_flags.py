"""Stored mentee flags (failed quiz, quiz answers waiting for review, project waiting), computed for every
enrolment by the service that keeps them (mentoring.services.mentee_flags_rebuild_all)."""

import django.db.models.deletion
from django.db import migrations, models


def build_flags(apps, schema_editor):
    from mentoring.services import mentee_flags_rebuild_all

    mentee_flags_rebuild_all()


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0004_week_feedback_from_learner"),
        ("progress", "0008_standing_reminder_facts"),
        ("assessments", "0008_quiz_record_phase_results"),
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MenteeFlags",
            fields=[
                (
                    "enrolment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="mentee_flags",
                        serialize=False,
                        to="progress.enrolment",
                    ),
                ),
                ("failed_quiz", models.BooleanField(default=False)),
                ("pending_review", models.BooleanField(default=False)),
                ("project_waiting", models.BooleanField(default=False)),
                (
                    "count",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="How many of the three are raised."
                    ),
                ),
                ("refreshed_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name_plural": "mentee flags"},
        ),
        migrations.RunPython(build_flags, migrations.RunPython.noop),
    ]
