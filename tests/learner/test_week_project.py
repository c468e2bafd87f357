"""The week page shows the week's project (brief link, the learner's status, what to do next) and the
schedule marks project weeks: e-mails and the calendar link to the week page, so a deliverable is never
out of sight there."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.services import enrolment_create
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(client, learner):
    enrolment_create(learner=learner, start_date=timezone.now().date())
    client.force_login(learner)
    return learner


def test_a_project_week_page_shows_its_project_and_status(client, enrolled):
    project = Project.objects.get(week__number=21, is_published=True)
    page = client.get(reverse("learner:week", args=[21])).content.decode()
    assert project.title in page
    assert "Not started" in page
    assert f'href="{reverse("projects:project", args=[21])}"' in page


def test_a_week_without_a_project_shows_none(client, enrolled):
    assert not Project.objects.filter(week__number=3).exists()
    page = client.get(reverse("learner:week", args=[3])).content.decode()
    assert 'id="week-project"' not in page


def test_the_schedule_marks_project_weeks(client, enrolled):
    page = client.get(reverse("learner:schedule")).content.decode()
    marked = {
        int(number)
        for number, row in re.findall(r'<tr id="week-(\d+)"(.*?)</tr>', page, flags=re.S)
        if '<span class="tag">Project</span>' in row
    }
    assert marked == set(Project.objects.filter(is_published=True).values_list("week__number", flat=True))
    assert 21 in marked
