"""Mentors (and staff) narrow their lists to a cohort: the mentor table and its CSV, the workspace's
charts, the project review queue (page and API). A mentor still sees only their own learners, and a
cohort that is not theirs shows nothing of anyone else's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cohorts.services import cohort_create
from invitations.services import learner_onboard
from mentoring.services import mentees_assign
from progress import services as progress_services
from projects.models import Project, Version
from tests.factories import UserFactory


@pytest.fixture
def two_groups(mentor, other_mentor, staff):
    """The mentor has two learners in the cohort and one outside it; the other mentor one in it. Each
    has a project version waiting for review."""
    start = timezone.now().date() - timedelta(days=timezone.now().date().weekday() + 14)
    cohort = cohort_create(name="Cohort B", start_date=start, pace=Decimal("1"), mentors=[mentor])
    inside = [
        learner_onboard(
            name=f"In {n}", email=f"in{n}@example.org", cohort=cohort, mentor=m, invited_by=staff
        ).enrolment.enrolment
        for n, m in enumerate([mentor, mentor, other_mentor])
    ]
    alone = UserFactory(username="outside", name="Outside")
    outside = progress_services.enrolment_create(learner=alone, start_date=start)
    mentees_assign(mentor=mentor, enrolment_ids=[outside.pk])
    project = Project.objects.filter(is_published=True).order_by("week__number").first()
    for enrolment in [*inside, outside]:
        Version.objects.create(
            enrolment=enrolment, project=project, number=1, status="submitted", submitted_at=timezone.now()
        )
    return cohort, inside, outside


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_mentor_table_filters_by_cohort(two_groups, mentor):
    cohort, inside, _ = two_groups
    client = logged_in(mentor)
    everyone = client.get("/mentoring/")
    assert everyone.context["total"] == 3
    response = client.get(f"/mentoring/?cohort={cohort.pk}")
    assert response.status_code == 200
    assert response.context["total"] == 2
    assert {row.enrolment.pk for row in response.context["rows"]} == {inside[0].pk, inside[1].pk}
    assert b"Cohort B" in response.content  # the select offers the mentor's cohort
    csv_text = client.get(f"/mentoring/mentees.csv?cohort={cohort.pk}").content.decode()
    assert "in0@example.org" in csv_text
    assert "outside@example.com" not in csv_text


def test_the_workspace_counts_the_cohort_only(two_groups, mentor):
    cohort, _, _ = two_groups
    client = logged_in(mentor)
    assert client.get("/mentoring/workspace/").context["workspace"].total == 3
    narrowed = client.get(f"/mentoring/workspace/?cohort={cohort.pk}").context["workspace"]
    assert narrowed.total == 2
    assert narrowed.projects.submissions == 2
    assert f"cohort={cohort.pk}" in narrowed.standing.data[0].href


def test_the_review_queues_filter_by_cohort(two_groups, mentor, staff):
    cohort, inside, _ = two_groups
    client = logged_in(mentor)
    assert len(client.get("/projects/queue/").context["queue"]) == 3
    queue = client.get(f"/projects/queue/?cohort={cohort.pk}").context["queue"]
    assert {item.version.enrolment_id for item in queue} == {inside[0].pk, inside[1].pk}
    api = client.get(f"/api/v1/mentor/project-queue/?cohort={cohort.pk}")
    assert api.status_code == 200
    assert len(api.json()) == 2
    staff_queue = logged_in(staff).get(f"/projects/queue/?cohort={cohort.pk}").context["queue"]
    assert len(staff_queue) == 3  # staff: every mentor's learners in the cohort


def test_a_cohort_that_is_not_theirs_filters_nothing_open(two_groups, former_mentor):
    cohort, _, outside = two_groups
    mentees_assign(mentor=former_mentor, enrolment_ids=[outside.pk])
    client = logged_in(former_mentor)  # not one of the cohort's mentors
    response = client.get(f"/mentoring/?cohort={cohort.pk}")
    assert response.status_code == 200
    assert response.context["total"] == 1  # the parameter is ignored: their own table, unfiltered
    assert b"Cohort B" not in response.content
    assert client.get(f"/api/v1/mentor/project-queue/?cohort={cohort.pk}").status_code == 400
    for bad in ("x", "-1", "99999999999999999999", "1\x00"):
        assert client.get("/mentoring/", {"cohort": bad}).status_code == 200
        assert client.get("/projects/queue/", {"cohort": bad}).status_code == 200
