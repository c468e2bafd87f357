"""The learner's dashboard and week page take a fixed, small number of queries whatever the learner has
done (issue 34: each round trip counts on a busy machine, BENCHMARKS.md). The enrolment's schedule
changes are read with the enrolment, the week's resources and whether it has a project or exercises
with the week; a week without a project or exercises reads neither."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from curriculum.models import Week
from exercises.models import Exercise
from mentoring.services import feedback_create
from progress.models import ScheduleChange
from progress.scope import enrolment_latest_with_changes_for
from progress.services import (
    enrolment_create,
    enrolment_leave,
    enrolment_pace_change,
    enrolment_pause,
    enrolment_resume,
    schedule_replan,
    week_progress_set,
)
from projects.models import Project

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = 8
"""The user, the enrolment with its schedule changes, the weeks with the learner's statuses, this
week's resources, its quiz, the phase reviews, the notices, the review cards due."""
WEEK_PAGE_QUERIES = 6
"""The user, the enrolment with its schedule changes, the week with its neighbours and resources, the
learner's progress rows, the quiz, the feedback; and the project and exercises where the week has them."""


def _busy_learner(learner, mentor, *, weeks_done: int):  # type: ignore[no-untyped-def]
    """An enrolment that started 10 weeks ago with `weeks_done` weeks completed, re-planned, at a new
    pace, with the mentor's feedback on week 8 (a week with a project and exercises)."""
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date() - timedelta(weeks=10))
    enrolment.mentor = mentor
    enrolment.save(update_fields=["mentor"])
    for week in Week.objects.filter(number__lte=weeks_done):
        week_progress_set(enrolment=enrolment, week=week, status="completed")
    if weeks_done < 52:
        schedule_replan(enrolment=enrolment, changed_by=learner)
        enrolment_pace_change(enrolment=enrolment, pace=Decimal("0.5"), changed_by=learner)
    week = Week.objects.get(number=8)
    feedback_create(enrolment=enrolment, week=week, author=mentor, body="Good start.")
    return enrolment


@pytest.mark.parametrize("weeks_done", [0, 3, 52])
def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, learner, mentor, weeks_done, django_assert_max_num_queries
):
    _busy_learner(learner, mentor, weeks_done=weeks_done)
    client.force_login(learner)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert client.get(reverse("learner:dashboard")).status_code == 200


@pytest.mark.parametrize("weeks_done", [0, 3, 52])
def test_the_week_page_takes_a_fixed_number_of_queries(
    client, learner, mentor, weeks_done, django_assert_max_num_queries
):
    _busy_learner(learner, mentor, weeks_done=weeks_done)
    client.force_login(learner)
    assert not Project.objects.filter(week__number=19).exists()
    assert not Exercise.objects.filter(week__number=19).exists()
    with django_assert_max_num_queries(WEEK_PAGE_QUERIES):
        assert client.get(reverse("learner:week", args=[19])).status_code == 200
    # A week with a published project and exercises reads them too: a query for the project card, two
    # for the exercises and the learner's runs.
    assert Project.objects.filter(week__number=8, is_published=True).exists()
    assert Exercise.objects.filter(week__number=8, is_published=True).exists()
    with django_assert_max_num_queries(WEEK_PAGE_QUERIES + 3):
        page = client.get(reverse("learner:week", args=[8])).content.decode()
    assert 'id="week-project"' in page
    assert "Good start." in page


def test_the_week_page_shows_its_resources_in_their_order(client, learner):
    enrolment_create(learner=learner, start_date=timezone.now().date())
    client.force_login(learner)
    week = Week.objects.get(number=19)
    titles = list(week.resources.order_by("order", "id").values_list("title", flat=True))
    assert len(titles) > 1
    page = client.get(reverse("learner:week", args=[19])).content.decode()
    assert [page.index(title) for title in titles] == sorted(page.index(title) for title in titles)


def _every_field(change: ScheduleChange) -> tuple[object, ...]:
    return tuple(getattr(change, field.attname) for field in ScheduleChange._meta.concrete_fields)


def test_the_pages_read_the_changes_of_the_latest_enrolment_only(learner):
    """A learner who re-planned, left and enrolled again: the new enrolment's pages see none of the
    earlier enrolment's changes, then their own (a re-plan, a pause's resumption, a new pace), in the
    order made, each field as the ORM reads it."""
    earlier = enrolment_create(learner=learner, start_date=timezone.now().date() - timedelta(weeks=6))
    schedule_replan(enrolment=earlier, changed_by=learner)
    enrolment_leave(enrolment=earlier)
    latest = enrolment_create(learner=learner, start_date=timezone.now().date() - timedelta(weeks=3))

    found = enrolment_latest_with_changes_for(learner=learner)
    assert found is not None
    assert found[0].pk == latest.pk
    assert found[1] == []
    assert found[0].learner is learner

    schedule_replan(enrolment=latest, changed_by=learner)
    with freeze_time(timezone.now() - timedelta(days=3)):
        enrolment_pause(enrolment=latest)
    enrolment_resume(enrolment=latest, changed_by=learner)
    enrolment_pace_change(enrolment=latest, pace=Decimal("0.5"), changed_by=learner)
    found = enrolment_latest_with_changes_for(learner=learner)
    assert found is not None
    enrolment, changes = found
    stored = list(ScheduleChange.objects.filter(enrolment=latest).order_by("created_at", "id"))
    assert [change.reason for change in stored] == ["replan", "resume", "pace"]
    assert [_every_field(change) for change in changes] == [_every_field(change) for change in stored]
    assert [str(change.pace) for change in changes] == [str(change.pace) for change in stored]
    assert not hasattr(enrolment, "schedule_change_rows")
    assert (enrolment.pace, enrolment.start_date, enrolment.status) == (
        latest.pace,
        latest.start_date,
        latest.status,
    )


def test_no_enrolment_reads_as_none(learner):
    assert enrolment_latest_with_changes_for(learner=learner) is None
