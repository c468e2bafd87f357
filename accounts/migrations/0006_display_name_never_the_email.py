"""The help text of the display name: without one, a person is shown by number, never their e-mail."""

from django.db import migrations, models

import accounts.names


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_person_locale_and_weekly_emails"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="name",
            field=models.CharField(
                blank=True,
                help_text="How the site and mentors show this person; empty: their full name, else a number.",
                max_length=150,
                validators=[accounts.names.NameValidator()],
                verbose_name="display name",
            ),
        ),
    ]
