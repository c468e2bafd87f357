"""Every learner's quiz record computed once, by the service that keeps them (its schema is this one's)."""

from django.db import migrations


def build_records(apps, schema_editor):
    from assessments.records import quiz_records_rebuild_all

    quiz_records_rebuild_all()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_quizrecord")]

    operations = [migrations.RunPython(build_records, migrations.RunPython.noop)]
