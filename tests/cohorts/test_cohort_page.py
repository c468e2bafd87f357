"""The staff cohort page and its CSV: who is on track, behind, inactive or gone, each learner's
projects and sign-offs, from stored rows in a constant number of queries; staff only."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort
from cohorts.selectors import cohort_summary
from cohorts.services import cohort_create
from curriculum.models import Phase, Week
from invitations.services import learner_onboard
from mentoring.models import PhaseReview
from progress import services as progress_services
from progress.models import Enrolment
from projects.models import Project, Version


def monday_weeks_ago(weeks: int):
    today = timezone.now().date()
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks)


@pytest.fixture
def started(mentor, staff):
    """A cohort that started three weeks ago: on track, behind, inactive, left; one project accepted
    and one waiting; a phase signed off."""
    cohort = cohort_create(
        name="Winter=cmd|' /C calc", start_date=monday_weeks_ago(3), pace=Decimal("1"), mentors=[mentor]
    )
    people = {}
    for key in ("on_track", "behind", "inactive", "left"):
        done = learner_onboard(
            name=key.title(), email=f"{key}@example.org", cohort=cohort, mentor=mentor, invited_by=staff
        )
        people[key] = done.enrolment.enrolment
    for number in range(1, 4):
        week = Week.objects.get(number=number)
        progress_services.week_progress_set(enrolment=people["on_track"], week=week, status="completed")
    Enrolment.objects.filter(pk=people["inactive"].pk).update(
        last_activity_at=timezone.now() - timedelta(days=20)
    )
    progress_services.enrolment_leave(enrolment=people["left"])
    project = Project.objects.filter(is_published=True).order_by("week__number").first()
    Version.objects.create(enrolment=people["on_track"], project=project, number=1, status="accepted")
    Version.objects.create(enrolment=people["behind"], project=project, number=1, status="submitted",
                           submitted_at=timezone.now())  # fmt: skip
    PhaseReview.objects.create(
        enrolment=people["on_track"],
        phase=Phase.objects.get(number=1),
        decision="signed_off",
        reviewer=mentor,
    )
    return cohort, people, project


def test_the_summary_counts_stored_standings(started):
    cohort, _, _ = started
    summary = cohort_summary(cohort=cohort)
    assert summary.total == 4
    assert summary.counts == {
        "current": 3, "on_track": 1, "behind": 2, "not_started": 0, "paused": 0, "inactive": 1,
        "completed": 0, "left": 1,
    }  # fmt: skip


def test_staff_see_the_page(started, staff, django_assert_max_num_queries):
    cohort, _, project = started
    client = Client()
    client.force_login(staff)
    url = reverse("mentoring:cohort", args=[cohort.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    report = response.context["report"]
    rows = {row.enrolment.learner.email: row for row in report.rows}
    assert rows["on_track@example.org"].projects_accepted == 1
    assert rows["on_track@example.org"].phases_signed_off == 1
    assert rows["inactive@example.org"].inactive
    assert not rows["left@example.org"].inactive
    assert rows["behind@example.org"].invitation == "pending"
    line = next(line for line in report.projects if line.week_number == project.week.number)
    assert (line.accepted, line.waiting) == (1, 1)
    assert [line.signed_off for line in report.sign_offs][:1] == [1]
    assert b"Where the cohort stands" in response.content


def test_the_page_costs_the_same_for_more_learners(started, staff, mentor, django_assert_max_num_queries):
    cohort, _, _ = started
    for n in range(20):
        learner_onboard(
            name=f"More {n}", email=f"more{n}@example.org", cohort=cohort, mentor=mentor, invited_by=staff
        )
    client = Client()
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("mentoring:cohort", args=[cohort.pk])).status_code == 200


def test_the_csv_lists_every_learner_safely(started, staff):
    cohort, _, _ = started
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("mentoring:cohort-csv", args=[cohort.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="wintercmd-c-calc.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["name", "email", "mentor"]
    by_email = {row[1]: row for row in rows[1:]}
    assert set(by_email) == {
        "on_track@example.org",
        "behind@example.org",
        "inactive@example.org",
        "left@example.org",
    }
    assert by_email["inactive@example.org"][10] == "yes"
    assert by_email["on_track@example.org"][11:13] == ["1", "1"]
    assert by_email["left@example.org"][3] == "Left the curriculum"


def test_only_staff_see_cohort_pages(started, mentor, learner, client):
    cohort, _, _ = started
    urls = [
        reverse("mentoring:cohorts"),
        reverse("mentoring:cohort", args=[cohort.pk]),
        reverse("mentoring:cohort-csv", args=[cohort.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    for user in (mentor, learner):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403
    assert Client().get(reverse("mentoring:cohort", args=[999999])).status_code == 302
    assert Cohort.objects.count() == 1
