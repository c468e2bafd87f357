"""Where project work shows outside its pages: the learner's dashboard (this week's project and its
status), the mentor's table flag, the weekly digest."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.services import mentor_digest_send
from notifications.models import Email
from projects.models import Version
from tests.projects.conftest import WEEK, enrol_with, review, submit


@pytest.fixture
def in_week_21(learner, mentor):
    """The learner's plan is in week 21 today."""
    return enrol_with(learner, mentor, start=timezone.now().date() - timedelta(weeks=WEEK - 1))


def test_the_dashboard_shows_this_weeks_project_and_its_status(client, learner, mentor, in_week_21):
    client.force_login(learner)

    def card() -> str:
        page = client.get(reverse("learner:dashboard")).content.decode()
        start = page.index('<section class="card" aria-labelledby="week-project">')
        return " ".join(page[start : page.index("</section>", start)].split())

    assert "This week's project: Benchmark an inference setup" in card()
    assert '<span class="tag">Not started</span>' in card()
    version = submit(learner)
    assert '<span class="tag warn">Waiting for review</span> version 1' in card()
    review(mentor, version, decision="changes_requested")
    assert '<span class="tag warn">Changes requested</span> version 1' in card()
    page = client.get(reverse("learner:dashboard")).content.decode()
    assert "Changes requested on version 1 of “Benchmark an inference setup”" in page  # the notice


def test_a_week_whose_project_is_not_published_shows_no_card(client, learner, in_week_21):
    from projects.models import Project

    Project.objects.filter(week__number=WEEK).update(is_published=False)
    client.force_login(learner)
    page = client.get(reverse("learner:dashboard")).content.decode()
    assert f"Week {WEEK}:" in page  # the week itself is shown
    assert 'aria-labelledby="week-project"' not in page


def test_the_digest_lists_waiting_versions_oldest_first_with_long_waits(
    learner, mentor, in_week_21, settings
):
    settings.PROJECT_REVIEW_WAITING_DAYS = 3
    version = submit(learner)
    Version.objects.filter(pk=version.pk).update(submitted_at=timezone.now() - timedelta(days=5))
    assert mentor_digest_send(mentor_id=mentor.pk, today=timezone.now().date())
    digest = Email.objects.get(kind="mentor_digest")
    assert "Projects waiting for your review (oldest first):" in digest.text
    assert "week 21 project, version 1, waiting 5 days (more than 3 days)" in digest.text
    assert f"/projects/versions/{version.pk}/" in digest.text
    assert "a project version waiting for your review" in digest.text  # the table's reason
