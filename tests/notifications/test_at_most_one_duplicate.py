"""At most one duplicate e-mail per crash (issue 37: a worker killed while sending re-sent up to 100
messages, the rows it had not yet marked): each row is marked sent as soon as the mail server accepted
it; a killed worker leaves only the message in flight unmarked, and its copies share a Message-ID. A
live worker's claim is renewed while it sends, so nobody takes over its rows; one that stalled past
its claim stops."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from notifications.models import Email
from notifications.outbox import Outgoing, emails_claim, emails_send, emails_send_claimed, message_id_for
from notifications.services import EmailDraft, emails_enqueue
from notifications.tasks import sweep_emails
from tests.factories import UserFactory
from tests.hook_backend import HookBackend

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
STALE = 30  # seconds: EMAIL_OUTBOX_STALE_CLAIM_SECONDS's default


class Killed(BaseException):
    """The worker got SIGKILL: nothing of it runs any more (no except, no finally that writes)."""


@pytest.fixture
def emails(db, settings) -> list[int]:
    settings.EMAIL_BACKEND = "tests.hook_backend.HookBackend"
    settings.EMAIL_OUTBOX_STALE_CLAIM_SECONDS = STALE
    users = [UserFactory(username=f"learner{n}") for n in range(8)]
    drafts = [
        EmailDraft(user.pk, user.email, "test", f"test:{user.pk}", f"To {user.username}", "x")
        for user in users
    ]
    with freeze_time(NOW):
        return emails_enqueue(drafts=drafts)  # (their task runs after a commit that never comes here)


def killed() -> None:
    raise Killed


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_a_worker_killed_after_the_mail_server_accepted_a_message_leaves_only_that_one_to_send_again(
    emails, celery_eager
):
    HookBackend.reset({5: killed})  # the fifth message accepted, its row not yet marked
    with freeze_time(NOW), pytest.raises(Killed):
        emails_send(email_ids=emails)
    statuses = list(Email.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["sent"] * 4 + ["sending"] * 4

    with freeze_time(NOW + timedelta(seconds=STALE - 1)):
        assert sweep_emails() == 0  # its claim is fresh: the worker might be alive
    with freeze_time(NOW + timedelta(seconds=STALE + 1)):
        assert sweep_emails() == 4  # what the beat runs every 30 s: taken over within a minute

    assert Email.objects.filter(status="sent").count() == 8
    addresses = recipients()
    duplicates = [address for address in set(addresses) if addresses.count(address) > 1]
    assert len(addresses) == 9
    assert duplicates == ["learner4@example.com"]
    copies = [message for message in mail.outbox if message.to == ["learner4@example.com"]]
    fifth = Email.objects.get(pk=emails[4])
    assert {message.extra_headers["Message-ID"] for message in copies} == {message_id_for(fifth.key)}


def test_the_message_id_is_the_keys_own_and_the_same_on_every_worker(settings):
    assert message_id_for("reminder:1:5:weekly") == message_id_for("reminder:1:5:weekly")
    assert message_id_for("reminder:1:5:weekly") != message_id_for("reminder:1:6:weekly")
    settings.SITE_URL = "https://lms.example.org"
    assert message_id_for("feedback:7").endswith("@lms.example.org>")
    assert "feedback" not in message_id_for("feedback:7")  # keys name rows: not shown to the recipient


def test_a_live_worker_renews_its_claim_and_nobody_takes_its_rows_over(emails):
    with freeze_time(NOW) as frozen:
        taken_over: list[list[int]] = []

        def slow_mail_server_then_another_worker_tries() -> None:
            frozen.tick(STALE * 0.6)  # twice: longer than the claim, were it not renewed
            taken_over.append([row.pk for row in emails_claim(email_ids=emails)])

        HookBackend.reset(
            {2: slow_mail_server_then_another_worker_tries, 4: slow_mail_server_then_another_worker_tries}
        )
        assert emails_send(email_ids=emails).sent == 8
    assert taken_over == [[], []]
    assert len(recipients()) == len(set(recipients())) == 8
    assert set(Email.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_worker_that_stalled_past_its_claim_stops_and_the_one_that_took_over_sends_the_rest(emails):
    with freeze_time(NOW) as frozen:
        other: list[Outgoing] = []

        def stalled_while_another_worker_took_over() -> None:
            frozen.tick(STALE + 1)
            other.extend(emails_claim(email_ids=emails))

        HookBackend.reset({3: stalled_while_another_worker_took_over})
        assert emails_send(email_ids=emails).sent == 2  # the third accepted, but its claim was gone
        assert [row.pk for row in other] == emails[2:]
        assert emails_send_claimed(claimed=other).sent == 6
    addresses = recipients()
    assert len(addresses) == 9
    assert [address for address in set(addresses) if addresses.count(address) > 1] == ["learner2@example.com"]
    assert set(Email.objects.values_list("status", flat=True)) == {"sent"}
