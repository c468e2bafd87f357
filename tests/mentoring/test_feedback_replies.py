"""A learner answers their mentor's feedback on a week: both see the thread; the mentor is notified once;
nobody else can post in it; bad input is a message, never a 500."""

import pytest
from django.urls import reverse

from curriculum.models import Week
from mentoring.models import WeekFeedback
from mentoring.services import feedback_create
from notifications.models import Notice

WEEK = 2


@pytest.fixture
def thread(mentor, mentee):
    feedback_create(
        author=mentor, enrolment=mentee, week=Week.objects.get(number=WEEK), body="Try the bonus task."
    )
    return mentee


def reply(client, text="Thanks, I will!", week=WEEK):
    return client.post(reverse("mentoring:feedback-reply", args=[week]), {"body": text})


@pytest.mark.django_db
def test_the_learner_replies_both_see_the_thread_and_the_mentor_is_notified(client, learner, mentor, thread):
    client.force_login(learner)
    week_page = client.get(reverse("learner:week", args=[WEEK])).content.decode()
    assert 'action="/mentoring/weeks/2/reply/"' in week_page
    response = reply(client)
    assert response.status_code == 302
    assert response["Location"] == "/my/weeks/2/#feedback"
    week_page = client.get(reverse("learner:week", args=[WEEK])).content.decode()
    assert week_page.index("Try the bonus task.") < week_page.index("Thanks, I will!")
    assert "Your reply" in week_page
    [notice] = Notice.objects.filter(recipient=mentor)
    assert notice.kind == "feedback_reply"
    assert notice.link == f"/mentoring/learners/{thread.pk}/#week-{WEEK}"
    assert "Thanks, I will!" in notice.text
    assert not Notice.objects.filter(recipient=learner, kind="feedback_reply").exists()
    client.force_login(mentor)
    mentor_page = client.get(reverse("mentoring:learner", args=[thread.pk])).content.decode()
    assert "replied" in mentor_page
    assert "Thanks, I will!" in mentor_page
    assert 'data-unread="1"' in mentor_page  # the mentor's bell


@pytest.mark.django_db
def test_a_reply_needs_feedback_on_the_week_and_a_body(client, learner, thread):
    client.force_login(learner)
    assert "reply-form" not in client.get(reverse("learner:week", args=[WEEK + 1])).content.decode()
    for week, text in [(WEEK + 1, "Hello?"), (WEEK, "   "), (WEEK, "x" * 2001)]:
        response = reply(client, text, week=week)
        assert response.status_code == 302
    assert not WeekFeedback.objects.filter(from_learner=True).exists()
    assert reply(client, week=999).status_code == 404


@pytest.mark.django_db
def test_nobody_else_posts_in_a_learners_thread(client, other_learner, mentor, staff, thread):
    for user in (mentor, staff):  # no enrolment of their own: nothing to reply on
        client.force_login(user)
        assert reply(client).status_code == 404
    client.force_login(other_learner)
    assert reply(client).status_code == 404  # not enrolled
    assert not WeekFeedback.objects.filter(from_learner=True).exists()
    assert client.get(reverse("mentoring:feedback-reply", args=[WEEK])).status_code == 405
