"""The upgrade: the reminders and digests already sent move into the outbox under today's keys, so that a
run in the same week after the upgrade sends them not again; then their old tables go."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from freezegun import freeze_time

from mentoring.services import mentor_digest_send
from notifications.models import Email
from progress.models import Enrolment
from tests.factories import MentorFactory
from tests.reminders.conftest import RUN, make_enrolment, run_reminders

BEFORE = [
    ("reminders", "0002_weekly_beat_schedule"),
    ("mentoring", "0002_digest_schedule"),
]
SENT_AT = datetime(2026, 11, 30, 8, 0, 5, tzinfo=UTC)


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: what is applied now


@pytest.mark.django_db(transaction=True)
def test_sent_reminders_and_digests_are_copied_into_the_outbox_and_not_sent_again(curriculum_tx):
    with freeze_time(RUN):
        ada = make_enrolment("ada")
        bob = make_enrolment("bob", completed=[1])
        mentor = MentorFactory(username="mentor")
        Enrolment.objects.filter(pk=ada.pk).update(mentor=mentor)
    executor = migrate(BEFORE)
    try:
        apps = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
        ReminderLog = apps.get_model("reminders", "ReminderLog")
        MentorDigestLog = apps.get_model("mentoring", "MentorDigestLog")
        ReminderLog.objects.create(
            enrolment_id=ada.pk, week=5, kind="weekly", status="sent", attempts=1, sent_at=SENT_AT
        )
        ReminderLog.objects.create(enrolment_id=bob.pk, week=5, kind="behind", status="failed", attempts=2)
        MentorDigestLog.objects.create(
            mentor_id=mentor.pk, week_starting=date(2026, 11, 30), status="sent", attempts=1, sent_at=SENT_AT
        )
    finally:
        executor = migrate(executor.loader.graph.leaf_nodes())

    assert "reminders_reminderlog" not in connection.introspection.table_names()
    assert "mentoring_mentordigestlog" not in connection.introspection.table_names()
    copied = {email.key: email for email in Email.objects.all()}
    assert set(copied) == {f"reminder:{ada.pk}:5:weekly", f"digest:{mentor.pk}:2026-11-30"}
    reminder = copied[f"reminder:{ada.pk}:5:weekly"]
    assert (reminder.recipient_id, reminder.to, reminder.kind, reminder.status, reminder.sent_at) == (
        ada.learner_id,
        "ada@example.com",
        "reminder_weekly",
        "sent",
        SENT_AT,
    )
    assert copied[f"digest:{mentor.pk}:2026-11-30"].recipient_id == mentor.pk

    with freeze_time(RUN):
        assert run_reminders() == 1  # bob's, which had failed; ada's went out before the upgrade
        assert mentor_digest_send(mentor_id=mentor.pk, today=RUN.date()) is False
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]
