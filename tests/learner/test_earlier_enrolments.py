"""After leaving and enrolling again, the earlier enrolment's work stays in reach: the schedule, the
progress page and the left dashboard list it, its pages answer read-only and call it "Left", and no
action there touches the current enrolment."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from curriculum.models import Week
from progress.services import enrolment_create, enrolment_leave, week_progress_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def re_enrolled(client, learner):
    today = timezone.now().date()
    earlier = enrolment_create(learner=learner, start_date=today - timedelta(days=21))
    week_progress_set(
        enrolment=earlier, week=Week.objects.get(number=1), status="completed", notes="My BPE notes"
    )
    enrolment_leave(enrolment=earlier)
    client.force_login(learner)
    left_page = client.get(reverse("learner:dashboard")).content.decode()
    current = enrolment_create(learner=learner, start_date=today)
    return earlier, current, left_page


def test_the_schedule_and_progress_page_list_the_earlier_enrolment(client, re_enrolled):
    earlier, _current, _ = re_enrolled
    for page in ("learner:schedule", "learner:progress"):
        content = client.get(reverse(page)).content.decode()
        assert "Earlier enrolments" in content
        assert reverse("learner:learner-schedule", args=[earlier.pk]) in content
        assert reverse("learner:learner-progress", args=[earlier.pk]) in content


def test_the_earlier_schedule_answers_read_only_and_says_left(client, re_enrolled):
    earlier, current, _ = re_enrolled
    page = client.get(reverse("learner:learner-schedule", args=[earlier.pk])).content.decode()
    assert f"Left on {earlier.ended_on:%-d %B %Y}" in page
    assert "Paused" not in page
    assert "Jump to this week" not in page
    assert reverse("progress:replan-undo") not in page
    assert reverse("learner:learner-schedule", args=[current.pk]) in page  # the other one, listed
    assert client.get(reverse("learner:learner-progress", args=[earlier.pk])).status_code == 200


def test_another_learner_cannot_open_them(client, re_enrolled, other_learner):
    earlier, _current, _ = re_enrolled
    client.force_login(other_learner)
    assert client.get(reverse("learner:learner-schedule", args=[earlier.pk])).status_code == 404
    assert client.get(reverse("learner:learner-progress", args=[earlier.pk])).status_code == 404
