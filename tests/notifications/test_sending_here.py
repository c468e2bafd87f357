"""A batch that commits its own e-mails (`notify_many` outside a caller's transaction: the weekly
reminders) inserts them claimed and sends them itself after the commit: no claim UPDATE, no task.
Exactly once still holds when that process dies or the mail server fails."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from notifications import services
from notifications.models import Email
from notifications.outbox import emails_send
from notifications.services import NoticeDraft, notify_many
from notifications.tasks import send_emails, sweep_emails
from tests.factories import UserFactory
from tests.flaky_backend import FlakyBackend

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the claimed INSERT is PostgreSQL's")


def drafts_for(names: list[str]) -> list[NoticeDraft]:
    users = [UserFactory(username=name) for name in names]
    return [
        NoticeDraft(
            recipient_id=user.pk,
            to=user.email,
            kind="reminder_weekly",
            key=f"reminder:{user.pk}:5:weekly",
            text="Week 5",
            link="/my/weeks/5/",
            subject=f"Week 5 for {user.username}",
            email_text="Plan your week",
        )
        for user in users
    ]


def rows_by_name() -> dict[str, Email]:
    return {email.recipient.username: email for email in Email.objects.select_related("recipient")}


@freeze_time(NOW)
def test_they_are_inserted_claimed_and_sent_here_without_a_claim_or_a_task(monkeypatch):
    def no_task(*args, **kwargs):
        raise AssertionError("a sending task was queued")

    monkeypatch.setattr(send_emails, "delay", no_task)
    drafts = drafts_for(["ada", "bob", "cleo"])
    with CaptureQueriesContext(connection) as queries:
        notify_many(drafts=drafts)
    claims = [
        query["sql"]
        for query in queries
        if query["sql"].startswith("UPDATE") and "claimed_at =" in query["sql"].split("WHERE")[0]
    ]
    assert claims == []
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ada@example.com",
        "bob@example.com",
        "cleo@example.com",
    ]
    rows = rows_by_name().values()
    assert {(row.status, row.attempts, row.claimed_at) for row in rows} == {("sent", 1, NOW)}


class Died(BaseException):
    """The process went away (killed): nothing of it runs any more."""


def test_those_of_a_process_that_died_before_sending_are_sent_once_the_claim_is_stale(
    monkeypatch, settings, celery_eager
):
    settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS = 600

    def died(**kwargs):
        raise Died

    monkeypatch.setattr(services, "emails_send_claimed", died)
    with freeze_time(NOW):
        drafts = drafts_for(["ada", "bob"])
        with pytest.raises(Died):
            notify_many(drafts=drafts)  # committed, then the process died
    monkeypatch.undo()
    ids = sorted(Email.objects.values_list("id", flat=True))
    assert set(Email.objects.values_list("status", "attempts")) == {("sending", 1)}
    with freeze_time(NOW + timedelta(minutes=5)):
        assert emails_send(email_ids=ids).sent == 0  # its claim is fresh: it might still be sending
        assert sweep_emails() == 0
    with freeze_time(NOW + timedelta(minutes=11)):
        assert sweep_emails() == 2
        assert sweep_emails() == 0
        assert notify_many(drafts=drafts) is None  # a rerun of the batch: the keys are there
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.com", "bob@example.com"]
    assert set(Email.objects.values_list("status", "attempts")) == {("sent", 2)}


@freeze_time(NOW)
def test_a_mail_server_error_leaves_the_rest_to_the_sending_task_which_sends_each_once(
    settings, celery_eager
):
    settings.EMAIL_BACKEND = "tests.flaky_backend.FlakyBackend"
    FlakyBackend.reset(fail_at=2)
    notify_many(drafts=drafts_for(["ada", "bob", "cleo"]))  # bob's fails; the task retries bob and cleo
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ada@example.com",
        "bob@example.com",
        "cleo@example.com",
    ]
    rows = rows_by_name()
    assert [(rows[name].status, rows[name].attempts) for name in ("ada", "bob", "cleo")] == [
        ("sent", 1),
        ("sent", 2),
        ("sent", 1),
    ]
