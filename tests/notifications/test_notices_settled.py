"""A mentor's notices are read once the mentor has acted on them: a submitted version once it is
reviewed (by them or by staff), a learner's reply once the week's thread is answered. Other notices
stay new."""

import pytest

from curriculum.models import Week
from mentoring.services import feedback_create, feedback_reply_create
from notifications.models import Notice
from tests.projects.conftest import enrol_with, review, submit


@pytest.mark.django_db
@pytest.mark.parametrize("reviewer_is_staff", [False, True])
def test_reviewing_a_version_settles_the_mentor_s_notice_of_it(learner, mentor, staff, reviewer_is_staff):
    enrol_with(learner, mentor)
    version = submit(learner)
    notice = Notice.objects.get(recipient=mentor, kind="project_submitted")
    assert notice.read_at is None
    review(staff if reviewer_is_staff else mentor, version, decision="changes_requested", level_index=0)
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.django_db
def test_answering_a_thread_settles_its_replies_notices_and_no_other(learner, mentor):
    enrolment = enrol_with(learner, mentor)
    week_2, week_3 = Week.objects.get(number=2), Week.objects.get(number=3)
    for week in (week_2, week_3):
        feedback_create(author=mentor, enrolment=enrolment, week=week, body="Try the bonus task.")
        feedback_reply_create(learner=learner, enrolment=enrolment, week=week, body="Thanks!")
    feedback_create(author=mentor, enrolment=enrolment, week=week_2, body="Good.")
    unread = Notice.objects.filter(recipient=mentor, kind="feedback_reply", read_at__isnull=True)
    assert [notice.link.rsplit("#", 1)[1] for notice in unread] == ["week-3"]
