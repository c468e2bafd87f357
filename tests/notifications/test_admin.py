"""Admin → E-mails: list, filter, search, read-only rows, and "Re-send" for the failed ones."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from notifications.models import Email
from notifications.services import email_enqueue
from tests.factories import StaffFactory, UserFactory

CHANGELIST = reverse("admin:notifications_email_changelist")


@pytest.fixture
def emails(db):
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    rows = {}
    for user, kind, status in [
        (ada, "reminder_weekly", "sent"),
        (ada, "week_feedback", "failed"),
        (bob, "reminder_behind", "failed"),
        (bob, "mentor_digest", "queued"),
    ]:
        email = email_enqueue(
            recipient=user,
            kind=kind,
            key=f"{kind}:{user.pk}",
            subject=f"{kind} for {user.username}",
            text="Body",
        )
        Email.objects.filter(pk=email.pk).update(status=status, attempts=6 if status == "failed" else 1)
        rows[(user.username, kind)] = email
    return rows


def test_staff_list_filter_and_search_the_outbox(client, staff, emails, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert page.content.decode().count("@example.com") >= 4
    failed = client.get(CHANGELIST, {"status__exact": "failed"}).content.decode()
    assert "week_feedback for ada" in failed
    assert "reminder_weekly for ada" not in failed
    by_kind = client.get(CHANGELIST, {"kind": "mentor_digest"}).content.decode()
    assert "mentor_digest for bob" in by_kind
    assert "reminder_behind for bob" not in by_kind
    found = client.get(CHANGELIST, {"q": "bob@example.com"}).content.decode()
    assert "reminder_behind for bob" in found
    assert "for ada" not in found


def test_re_send_queues_the_failed_ones_again_and_sends_them(
    client, staff, emails, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    chosen = [email.pk for email in emails.values()]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "resend", "_selected_action": chosen, "index": 0}, follow=True
        )
    page = response.content.decode()
    assert "2 e-mails queued to be sent again." in page
    assert "2 not re-sent: only failed e-mails can be." in page
    assert sorted(message.subject for message in mail.outbox) == [
        "reminder_behind for bob",
        "week_feedback for ada",
    ]
    resent = Email.objects.get(pk=emails[("ada", "week_feedback")].pk)
    assert (resent.status, resent.attempts) == ("sent", 1)
    assert Email.objects.get(pk=emails[("bob", "mentor_digest")].pk).status == "queued"  # untouched


def test_rows_are_read_only_and_re_send_needs_the_change_permission(client, emails):
    viewer = StaffFactory(username="viewer", is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_email"))
    client.force_login(viewer)
    email = emails[("ada", "week_feedback")]
    assert client.get(CHANGELIST).status_code == 200
    assert 'value="resend"' not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "resend", "_selected_action": [email.pk], "index": 0})
    assert Email.objects.get(pk=email.pk).status == "failed"
    change = reverse("admin:notifications_email_change", args=[email.pk])
    assert client.get(change).status_code == 200  # view only
    assert client.post(change, {"subject": "Changed"}).status_code == 403
    assert client.get(reverse("admin:notifications_email_add")).status_code == 403
    assert client.get(reverse("admin:notifications_email_delete", args=[email.pk])).status_code == 403
    assert Email.objects.get(pk=email.pk).subject == "week_feedback for ada"
