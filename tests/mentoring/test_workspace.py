"""The mentor workspace: each chart's counts are the table's rows behind its links (the same filters),
for a crafted group on a frozen day; staff see everyone and per mentor; bad links show the whole table."""

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from django.urls import reverse
from freezegun import freeze_time

from assessments.models import Submission
from curriculum.models import Week
from mentoring.segments import STANDING_GROUPS, Segment
from mentoring.table import mentee_table
from mentoring.workspace import workspace_for
from progress.models import Enrolment
from progress.services import enrolment_pause, week_progress_set
from progress.standings import standing_refresh
from tests.factories import UserFactory
from tests.mentoring.conftest import enrol
from tests.mentoring.test_dashboard import submission

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.fixture
def group(mentor, other_mentor, frozen_today):
    """Ahead, on track, 1, 2 and 4 weeks to catch up, paused; activity spread over the weeks; quiz results
    in phase 1; one answer waiting for review. And one learner of another mentor."""
    this_monday = date(2026, 11, 23)
    made = {}

    def learner(name, *, start, done=(), active_days_ago=0):
        user = UserFactory(username=name, name=name)
        enrolment = enrol(user, mentor=mentor, start=start, active_days_ago=active_days_ago)
        for number in done:
            week_progress_set(enrolment=enrolment, week=Week.objects.get(number=number), status="completed")
        made[name] = enrolment
        return user

    learner("ahead", start=this_monday, done=[1, 2, 3])
    learner("on_track", start=this_monday)
    learner("behind_one", start=this_monday - timedelta(weeks=1))
    learner("behind_two", start=this_monday - timedelta(weeks=2))
    four = learner("behind_four", start=this_monday - timedelta(weeks=4))
    paused = learner("paused", start=this_monday)
    enrolment_pause(enrolment=made["paused"])
    # Activity: a week marked 3 weeks ago, a quiz 5 weeks ago (the rest were active now, by enrolling).
    with freeze_time(datetime(2026, 11, 3, 12, tzinfo=UTC)):
        week_progress_set(
            enrolment=made["behind_four"], week=Week.objects.get(number=1), status="in_progress"
        )
    with freeze_time(datetime(2026, 10, 20, 12, tzinfo=UTC)):
        submission(four, 1, status=Submission.Status.GRADED, percent="40", passed=False)
    submission(paused, 1, status=Submission.Status.GRADED, percent="90", passed=True)
    submission(made["on_track"].learner, 2, status=Submission.Status.NEEDS_REVIEW, percent=None, passed=None)
    enrol(UserFactory(username="someone_elses"), mentor=other_mentor, start=this_monday - timedelta(weeks=4))
    standing_refresh(enrolment_ids=Enrolment.objects.values_list("pk", flat=True))  # as the beat task does
    return made


def table_rows(client, href: str) -> int:
    """The rows of the table a chart's link (a URL of the dashboard) or a bare query string shows."""
    url = unescape(href) if href.startswith("/") else reverse("mentoring:dashboard") + unescape(href)
    page = client.get(url).content.decode()
    return int(re.search(r'id="mentee-table" data-rows="(\d+)"', page).group(1))


@pytest.mark.django_db
def test_where_the_group_stands_counts_the_rows_each_bar_links_to(client, mentor, group):
    workspace = workspace_for(user=mentor)
    counts = {datum.label: int(datum.value) for datum in workspace.standing.data}
    assert counts == {
        "Ahead": 1,
        "On track": 1,
        "1 week to catch up": 1,
        "2 weeks to catch up": 1,
        "3+ weeks to catch up": 1,
        "Paused, starting or done": 1,
    }
    client.force_login(mentor)
    for datum in workspace.standing.data:
        assert table_rows(client, datum.href) == datum.value, datum.label
    for key in STANDING_GROUPS:
        assert (
            mentee_table(user=mentor, segment=Segment(standing=key)).count()
            == counts[STANDING_GROUPS[key][0]]
        )
    assert sum(counts.values()) == workspace.total == mentee_table(user=mentor).count()


@pytest.mark.django_db
def test_activity_and_quiz_charts_count_the_rows_their_links_show(client, mentor, group):
    workspace = workspace_for(user=mentor)
    active = {datum.label: int(datum.value) for datum in workspace.activity.data}
    assert len(active) == 12
    assert active["now"] == 3  # marked weeks (ahead) or took a quiz (paused, on track) in the last 7 days
    assert active["-3"] == 1  # a week marked on 3 November
    assert active["-5"] == 1  # a quiz on 20 October
    client.force_login(mentor)
    for datum in workspace.activity.data:
        assert table_rows(client, datum.href) == datum.value, datum.label

    [phase_one] = [datum for datum in workspace.pass_rate.data if datum.label == "Phase 1"]
    assert phase_one.shown == "50%"  # one passed, one not passed yet; the one in review is undecided
    assert workspace.quiz_help[1] == 1
    assert table_rows(client, phase_one.href) == 1
    page = client.get(unescape(phase_one.href)).content.decode()
    assert "behind_four" in page
    assert "paused@" not in page

    assert (workspace.reviews.submissions, workspace.reviews.learners) == (1, 1)
    assert table_rows(client, workspace.reviews.href) == workspace.reviews.learners


def workspace_page(client, query: str = "", *, fragment: bool = True) -> str:
    headers = {"X-Fragment": "workspace"} if fragment else {}
    response = client.get(reverse("mentoring:workspace") + query, headers=headers)
    assert response.status_code == 200
    assert "X-Fragment" in response["Vary"]
    return response.content.decode()


@pytest.mark.django_db
def test_the_dashboard_fetches_the_charts_which_are_also_a_page_of_their_own(client, mentor, staff, group):
    client.force_login(mentor)
    dashboard = client.get(reverse("mentoring:dashboard")).content.decode()
    assert 'data-workspace-src="/mentoring/workspace/"' in dashboard
    assert '<a href="/mentoring/workspace/">Your group at a glance' in dashboard  # without JavaScript
    assert "js/workspace" in dashboard
    assert 'role="img"' not in dashboard  # the table's page does not build the charts

    fragment = workspace_page(client)
    assert "<html" not in fragment
    assert fragment.count('<g role="img"') == 3
    page = workspace_page(client, fragment=False)
    assert "<html" in page
    assert page.count('<g role="img"') == 3
    assert '<a href="/mentoring/">Back to the table' in page
    # Every link of the charts opens the table, wherever the charts are shown.
    for href in re.findall(r'<a href="([^"]+)"', fragment):
        assert unescape(href).startswith("/mentoring/?"), href

    client.force_login(staff)
    mentor_id = group["ahead"].mentor_id
    dashboard = client.get(reverse("mentoring:dashboard") + f"?mentor={mentor_id}").content.decode()
    assert f'data-workspace-src="/mentoring/workspace/?mentor={mentor_id}"' in dashboard
    assert "Per mentor" not in workspace_page(client, f"?mentor={mentor_id}")
    assert "Per mentor" in workspace_page(client)


@pytest.mark.django_db
def test_only_mentors_and_staff_see_the_charts(client, mentor, group):
    url = reverse("mentoring:workspace")
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(group["ahead"].learner)
    assert client.get(url, headers={"X-Fragment": "workspace"}).status_code == 403


@pytest.mark.django_db
def test_the_charts_and_links_are_on_the_page_accessible(client, mentor, group):
    client.force_login(mentor)
    page = workspace_page(client)
    assert page.count('<g role="img"') == 3
    for ident in ("chart-standing", "chart-activity", "chart-pass-rate"):
        assert f'id="{ident}-desc"' in page
    assert 'aria-label="2 weeks to catch up: 1 learner. Show them in the table"' in page
    assert "show as a table" in page


@pytest.mark.django_db
def test_staff_see_everyone_and_each_mentor_and_mentors_only_their_own(
    client, mentor, other_mentor, staff, group
):
    everyone = workspace_for(user=staff)
    assert everyone.total == 7
    assert {line.name: line.learners for line in everyone.mentors} == {
        f"Unnamed user #{mentor.pk}": 6,  # mentors who gave no name: never their e-mail address
        f"Unnamed user #{other_mentor.pk}": 1,
    }
    client.force_login(staff)
    assert table_rows(client, f"?mentor={other_mentor.pk}") == 1
    assert table_rows(client, "?mentor=99999999999999999999") == 7  # too large for an id: everyone
    per_mentor = workspace_for(user=staff, mentor_id=other_mentor.pk)
    assert per_mentor.total == 1
    behind = next(d for d in per_mentor.standing.data if d.label == "3+ weeks to catch up")
    assert behind.value == 1
    assert table_rows(client, behind.href) == 1
    client.force_login(mentor)
    assert table_rows(client, f"?mentor={other_mentor.pk}") == 6  # a mentor cannot look at another's group


@pytest.mark.django_db
def test_malformed_links_show_the_whole_table(client, mentor, group):
    client.force_login(mentor)
    for query in (
        "?standing=nope",
        "?active=x",
        "?active=99",
        "?active=-1",
        "?quiz_phase=%00",
        "?mentor=1e9",
        "?mentor=99999999999999999999",
        "?quiz_phase=99999999999999999999",
    ):
        assert table_rows(client, query) == 6, query


@pytest.mark.django_db
def test_the_project_queue_counts_the_versions_waiting_and_links_to_their_learners(client, mentor, group):
    from tests.projects.conftest import submit

    with freeze_time(datetime(2026, 11, 19, 9, tzinfo=UTC)):
        submit(group["behind_two"].learner, week=21)
    submit(group["behind_two"].learner, week=22)
    submit(group["on_track"].learner, week=21)
    queue = workspace_for(user=mentor).projects
    assert (queue.submissions, queue.learners) == (3, 2)
    assert queue.oldest == datetime(2026, 11, 19, 9, tzinfo=UTC)
    client.force_login(mentor)
    assert table_rows(client, queue.href) == queue.learners
    assert "3 project versions waiting" in workspace_page(client)
