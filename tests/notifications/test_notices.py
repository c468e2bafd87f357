"""In-product notices: created once per key (retries, double calls), seen only by their recipient,
delivered by e-mail as each recipient's preference for the kind says, counted by the header's bell at
no query of its own, marked read (one, all) by POST only."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.test import APIClient

from notifications import services
from notifications.digest import notice_digest_send
from notifications.models import Delivery, Email, Notice, NoticePreference
from notifications.selectors import unread_count_for
from notifications.services import NoticeDraft, deliveries_for, notify, notify_many
from notifications.tasks import send_notice_digests
from reminders.tasks import send_reminder_batch
from tests.factories import MentorFactory, UserFactory
from tests.outbox import outbox_sent_here
from tests.reminders.conftest import RUN, make_enrolment

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def tell(user, key="k:1", kind="week_feedback", text="Well done", link="/dashboard/") -> Notice:
    return notify(
        recipient=user,
        kind=kind,
        key=key,
        text=text,
        link=link,
        subject=f"About {key}",
        email_text=f"E-mail about {key}",
        email_html=f"<p>E-mail about {key}</p>",
    )


@pytest.fixture
def ada(db):
    return UserFactory(username="ada")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


def test_a_notice_is_created_once_per_key_and_its_e_mail_sent_once(ada):
    with outbox_sent_here():
        first = tell(ada)
        again = tell(ada, text="A retried task composes it again")
    assert again.pk == first.pk
    assert Notice.objects.get().text == "Well done"
    assert Email.objects.get().key == "k:1"
    [message] = mail.outbox
    assert (message.to, message.subject, message.body) == ([ada.email], "About k:1", "E-mail about k:1")


def test_a_task_retried_after_the_notice_was_written_creates_nothing_more(ada, celery_eager):
    """The reviewed-quiz path: the task's second run (a redelivery) finds the key and stops."""
    for _ in range(3):
        tell(ada, key="quiz-reviewed:7", kind="quiz_reviewed")
    assert Notice.objects.filter(key="quiz-reviewed:7").count() == 1
    assert Email.objects.filter(key="quiz-reviewed:7").count() == 1


def test_in_product_only_sends_no_e_mail_and_the_digest_gathers_the_weeks_notices(ada, bob):
    NoticePreference.objects.create(user=ada, kind="week_feedback", delivery=Delivery.IN_PRODUCT)
    NoticePreference.objects.create(user=bob, kind="week_feedback", delivery=Delivery.DIGEST)
    with outbox_sent_here():
        tell(ada, key="a:1")
        tell(bob, key="b:1", text="First")
        tell(bob, key="b:2", text="Second")
        tell(bob, key="b:3", kind="phase_returned", text="Default: by e-mail")
    assert Notice.objects.filter(recipient=ada).count() == 1  # shown in the product…
    assert not Email.objects.filter(recipient=ada).exists()  # …and never e-mailed
    assert [m.subject for m in mail.outbox] == ["About b:3"]  # the digest kind waits

    mail.outbox.clear()
    with outbox_sent_here(), freeze_time(NOW):
        assert send_notice_digests.apply().get() == 1  # one recipient has pending digest notices
        assert notice_digest_send(recipient_id=bob.pk) is False  # a second run: nothing pending
    [digest] = mail.outbox
    assert digest.to == [bob.email]
    assert "First" in digest.body
    assert "Second" in digest.body
    assert "Default" not in digest.body
    assert digest.subject == "Your week: 2 notices"
    assert set(
        Notice.objects.filter(recipient=bob, delivery="digest").values_list("digested_at", flat=True)
    ) == {NOW}


def test_the_preferences_page_saves_choices_and_refuses_unknown_ones(client, ada):
    client.force_login(ada)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert "Feedback from your mentor on a week" in page.content.decode()
    assert "A project submitted for your review" not in page.content.decode()  # a mentor's kind
    form = {field.name: field.initial for field in page.context["form"]}
    form["week_feedback"] = "in_product"
    assert client.post(reverse("notifications:preferences"), form).status_code == 302
    assert NoticePreference.objects.get(user=ada, kind="week_feedback").delivery == "in_product"
    form["week_feedback"] = "carrier-pigeon"
    bad = client.post(reverse("notifications:preferences"), form)
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()
    mentor = MentorFactory()
    client.force_login(mentor)
    assert (
        "A project submitted for your review"
        in client.get(reverse("notifications:preferences")).content.decode()
    )


def test_the_bell_counts_unread_notices_in_the_query_that_loads_the_user(client, ada):
    client.force_login(ada)
    url = reverse("curriculum:overview")
    with CaptureQueriesContext(connection) as none_yet:
        page = client.get(url).content.decode()
    assert 'aria-label="Notices: 0 unread"' in page
    assert "bell-count" not in page
    for n in range(3):
        tell(ada, key=f"k:{n}")
    tell(UserFactory(), key="someone-else")
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert 'aria-label="Notices: 3 unread"' in page
    assert 'data-unread="3"' in page
    assert len(three) == len(none_yet)  # the count costs no query: it comes with the user
    assert unread_count_for(user=ada) == 3


def test_a_notice_read_from_the_list_leads_to_its_link_and_the_count_drops(client, ada, bob):
    notice = tell(ada, link="/my/weeks/3/")
    tell(ada, key="k:2")
    bobs = tell(bob, key="bob:1", text="Bob's own")
    client.force_login(ada)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Well done" in page
    assert "Bob&#x27;s own" not in page
    assert "Bob's own" not in page
    assert client.get(reverse("notifications:read", args=[notice.pk])).status_code == 405  # POST only
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/my/weeks/3/"
    assert 'data-unread="1"' in client.get(reverse("notifications:list")).content.decode()
    assert client.post(reverse("notifications:read", args=[bobs.pk])).status_code == 404  # not hers
    assert Notice.objects.get(pk=bobs.pk).read_at is None
    client.post(reverse("notifications:read-all"))
    assert not Notice.objects.filter(recipient=ada, read_at__isnull=True).exists()
    assert Notice.objects.get(pk=bobs.pk).read_at is None


@pytest.mark.parametrize(
    "link", ["//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "x"]
)
def test_a_notice_never_links_to_another_host(client, ada, link):
    notice = tell(ada, link=link)
    client.force_login(ada)
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_marking_read_needs_the_csrf_token(ada):
    notice = tell(ada)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 403
    assert client.post(reverse("notifications:read-all")).status_code == 403
    assert Notice.objects.get().read_at is None


def test_the_list_page_takes_a_constant_number_of_queries(client, ada, django_assert_max_num_queries):
    client.force_login(ada)
    tell(ada, key="one")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    for n in range(30):
        tell(ada, key=f"many:{n}")
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse("notifications:list")).status_code == 200
    assert len(few) <= 10


def test_the_api_lists_counts_and_marks_the_users_own_notices(ada, bob):
    mine = tell(ada)
    tell(ada, key="k:2", link="javascript:alert(1)")
    theirs = tell(bob, key="bob:1")
    api = APIClient()
    assert api.get("/api/v1/me/notices/").status_code == 401
    api.force_authenticate(ada)
    listed = api.get("/api/v1/me/notices/").json()
    assert [item["title"] for item in listed["results"]] == [
        "About k:2",
        "About k:1",
    ]
    assert listed["results"][0]["link"] == ""  # not a path on this site
    assert api.get("/api/v1/me/notices/unread-count/").json() == {"unread": 2}
    assert api.post(f"/api/v1/me/notices/{theirs.pk}/read/", {}, format="json").status_code == 404
    read = api.post(f"/api/v1/me/notices/{mine.pk}/read/", {}, format="json")
    assert read.status_code == 200
    assert read.json()["is_read"] is True
    assert api.get("/api/v1/me/notices/unread-count/").json() == {"unread": 1}
    assert api.post("/api/v1/me/notices/read-all/", {}, format="json").json() == {"marked_read": 1}
    assert Notice.objects.get(pk=theirs.pk).read_at is None


@freeze_time(RUN)
def test_a_redelivered_reminder_batch_makes_each_notice_once_and_respects_preferences(db):
    """The reminders' key message is a notice; the batch task run twice (a redelivery) adds nothing;
    the learner who keeps "catching up" reminders in the product gets no e-mail for it."""
    weekly = make_enrolment("weekly")
    behind = make_enrolment("behind", completed=[1])
    NoticePreference.objects.create(user=behind.learner, kind="reminder_behind", delivery=Delivery.IN_PRODUCT)
    ids = [weekly.pk, behind.pk]
    with outbox_sent_here():
        assert send_reminder_batch.apply(args=[ids, RUN.isoformat()]).get() == 2
        assert send_reminder_batch.apply(args=[ids, RUN.isoformat()]).get() == 0  # redelivered
    notices = {notice.recipient_id: notice for notice in Notice.objects.all()}
    assert len(notices) == 2
    assert notices[behind.learner_id].kind == "reminder_behind"
    assert notices[behind.learner_id].text.startswith("You are 3 weeks behind")
    assert notices[behind.learner_id].link == "/dashboard/"
    assert notices[weekly.learner_id].link == "/my/weeks/5/"
    assert [message.to for message in mail.outbox] == [[weekly.learner.email]]


def test_a_task_that_fails_after_notifying_and_is_retried_leaves_one_notice(ada):
    """The notice is written in the caller's transaction: a failed attempt leaves nothing, the retry
    creates it once, and another retry finds it."""

    def attempt_that_fails() -> None:
        with transaction.atomic():
            tell(ada, key="retried:1")
            raise RuntimeError("the worker died before committing")

    with pytest.raises(RuntimeError):
        attempt_that_fails()
    assert not Notice.objects.exists()
    assert not Email.objects.exists()
    for _ in range(2):
        with transaction.atomic():
            tell(ada, key="retried:1")
    assert Notice.objects.filter(key="retried:1").count() == 1
    assert Email.objects.filter(key="retried:1").count() == 1


def test_the_api_reads_and_sets_the_users_own_preferences(ada):
    api = APIClient()
    assert api.get("/api/v1/me/notice-preferences/").status_code == 401
    api.force_authenticate(ada)
    listed = {item["kind"]: item["delivery"] for item in api.get("/api/v1/me/notice-preferences/").json()}
    assert listed["week_feedback"] == "email"
    assert "feedback_reply" not in listed  # a mentor's kind
    changed = api.put(
        "/api/v1/me/notice-preferences/", {"choices": {"week_feedback": "digest"}}, format="json"
    )
    assert changed.status_code == 200
    assert {item["kind"]: item["delivery"] for item in changed.json()}["week_feedback"] == "digest"
    for bad in ({"choices": {"week_feedback": "pigeon"}}, {"choices": {"feedback_reply": "email"}}, {}):
        assert api.put("/api/v1/me/notice-preferences/", bad, format="json").status_code == 400, bad
    assert NoticePreference.objects.get(user=ada).delivery == "digest"


@pytest.mark.django_db
def test_a_batch_reads_the_delivery_of_each_recipient_and_kind_it_has_once(django_assert_num_queries):
    """The weekly reminders ask for 500 (recipient, kind) pairs: the answer has those pairs, from one
    query, not every recipient with every kind (which made a batch of 500 cost 250,000 look-ups)."""
    users = [UserFactory() for _ in range(3)]
    NoticePreference.objects.create(user=users[1], kind="reminder_behind", delivery=Delivery.IN_PRODUCT)
    pairs = [
        (users[0].pk, "reminder_weekly"),
        (users[1].pk, "reminder_behind"),
        (users[2].pk, "reminder_weekly"),
    ]
    with django_assert_num_queries(1):
        deliveries = deliveries_for(pairs=pairs + pairs)
    assert deliveries == {
        (users[0].pk, "reminder_weekly"): Delivery.EMAIL,
        (users[1].pk, "reminder_behind"): Delivery.IN_PRODUCT,
        (users[2].pk, "reminder_weekly"): Delivery.EMAIL,
    }


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_cannot_write_its_e_mails_leaves_no_notice(monkeypatch):
    """A batch's notices and e-mails are written together: a notice alone would tell the next run that
    its e-mail was sent (`notified_keys_existing`), and the e-mail would never go."""
    user = UserFactory()
    draft = NoticeDraft(
        recipient_id=user.pk,
        to=user.email,
        kind="reminder_weekly",
        key="reminder:1:5:weekly",
        text="Week 5",
        link="/my/weeks/5/",
        subject="Week 5",
        email_text="Week 5",
    )

    def outbox_down(**kwargs):
        raise DatabaseError("the outbox's INSERT failed")

    monkeypatch.setattr(services, "emails_enqueue", outbox_down)
    with pytest.raises(DatabaseError):
        notify_many(drafts=[draft])
    assert not Notice.objects.exists()
    monkeypatch.undo()
    notify_many(drafts=[draft])  # the next run
    assert Notice.objects.get().key == Email.objects.get().key == "reminder:1:5:weekly"
