"""The project pages: a learner drafts, attaches, submits; the mentor scores against the rubric; bad
input answers 400 with the form's messages; the pages take a constant number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Attachment, Version
from tests.factories import UserFactory
from tests.projects.conftest import WEEK, enrol_with, project, review, submit


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def draft_data(**changes):
    return {
        "repository_url": "https://github.com/ada/bench",
        "commit": "v1.0",
        "report": "# Bench\n\nFast.",
        **changes,
    }


def test_the_brief_and_rubric_are_public(client, db):
    page = client.get(reverse("projects:project", args=[WEEK])).content.decode()
    assert "Benchmark an inference setup" in page
    assert "Benchmark design" in page
    assert "Missing</td><td>0–2" in page
    assert "Log in</a> to hand in your work" in page
    assert client.get(reverse("projects:project", args=[3])).status_code == 404  # no project that week
    assert "Week 51: Final capstone" in client.get(reverse("projects:list")).content.decode()


def test_a_learner_drafts_attaches_and_submits(client, learner, mentor, enrolment):
    client.force_login(learner)
    url = reverse("projects:draft", args=[WEEK])
    response = client.post(url, {**draft_data(), "save": ""})
    assert response.status_code == 302
    draft = Version.objects.get()
    assert draft.status == "draft"
    upload = SimpleUploadedFile("results.csv", b"batch,p50\n1,12\n")
    response = client.post(reverse("projects:attachment-add", args=[draft.pk]), {"file": upload})
    assert response.status_code == 302
    assert Attachment.objects.get().name == "results.csv"
    page = client.get(reverse("projects:project", args=[WEEK])).content.decode()
    assert "Draft of version 1" in page
    assert "results.csv" in page
    response = client.post(url, {**draft_data(report="# Bench\n\nFaster."), "submit": ""}, follow=True)
    assert "Version 1 submitted: your mentor is told." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.report) == ("submitted", "# Bench\n\nFaster.")


def test_bad_input_answers_400_with_messages_and_saves_nothing(client, learner, enrolment):
    client.force_login(learner)
    response = client.post(
        reverse("projects:draft", args=[WEEK]), {**draft_data(commit="no way!"), "submit": ""}
    )
    assert response.status_code == 400
    assert "Enter a commit SHA" in response.content.decode()
    response = client.post(reverse("projects:draft", args=[WEEK]), {**draft_data(report=""), "submit": ""})
    assert response.status_code == 400
    assert "Write the report before submitting." in response.content.decode()
    draft = Version.objects.get()  # the second post saved its draft, then refused to submit it
    assert draft.status == "draft"
    response = client.post(
        reverse("projects:attachment-add", args=[draft.pk]), {"file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert response.status_code == 400
    assert "“x.exe” is not an allowed type" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_mentor_scores_against_the_rubric_and_the_learner_sees_it(client, learner, mentor, enrolment):
    version = submit(learner)
    client.force_login(mentor)
    url = reverse("projects:version", args=[version.pk])
    page = client.get(url).content.decode()
    assert "Score against the rubric" in page
    data = {"decision": "changes_requested", "comment": "Add the hardware."}
    for criterion in project().criteria.all():
        level = criterion.levels.all()[1]
        data |= {
            f"level_{criterion.pk}": level.pk,
            f"points_{criterion.pk}": level.min_points,
            f"comment_{criterion.pk}": "Fine",
        }
    bad = {**data, f"points_{criterion.pk}": 99}
    response = client.post(reverse("projects:review", args=[version.pk]), bad)
    assert response.status_code == 400
    assert "99 is outside “Developing 3–5”" in response.content.decode()
    response = client.post(reverse("projects:review", args=[version.pk]), data, follow=True)
    assert "Review saved: changes requested." in response.content.decode()
    client.force_login(learner)
    page = client.get(url).content.decode()
    assert "Changes requested" in page
    assert "Add the hardware." in page
    assert "Score against the rubric" not in page


def test_v2_shows_the_diff_and_the_previous_scores_to_the_mentor(client, learner, mentor, enrolment):
    v1 = submit(learner, report="alpha\nbeta\n")
    review(mentor, v1, decision="changes_requested", level_index=1, points="min")
    v2 = submit(learner, report="alpha\ngamma\n", commit="v2.0")
    client.force_login(mentor)
    page = client.get(reverse("projects:version", args=[v2.pk])).content.decode()
    assert '<span class="diff-del">-beta</span>' in page
    assert '<span class="diff-add">+gamma</span>' in page
    assert "The previous version&#x27;s scores are filled in." in page or "previous version's scores" in page
    assert "<code>abc1234</code> → <code>v2.0</code>" in page


def test_the_queue_is_oldest_first_and_flags_long_waits(client, mentor, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.PROJECT_REVIEW_WAITING_DAYS = 3
    learners = [
        UserFactory(username=user, name=name) for user, name in (("ada", "Ada Lovelace"), ("bob", "Bob Moog"))
    ]
    for learner in learners:
        enrol_with(learner, mentor)
    old = submit(learners[1])
    Version.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=4))
    submit(learners[0])
    client.force_login(mentor)
    page = client.get(reverse("projects:queue")).content.decode()
    assert page.index("Bob Moog") < page.index("Ada Lovelace")
    assert page.count("Waiting &gt; 3 days") == 1
    dashboard = client.get(reverse("mentoring:dashboard")).content.decode()
    assert "Projects waiting for review" in dashboard
    assert "Project waiting for review" in dashboard  # the table's flag


def test_pages_take_a_constant_number_of_queries(
    client, learner, mentor, enrolment, django_assert_max_num_queries
):
    def counts():
        version = Version.objects.filter(enrolment=enrolment).order_by("-number").first()
        urls = [
            (learner, reverse("projects:list")),
            (learner, reverse("projects:project", args=[WEEK])),
            (learner, reverse("projects:version", args=[version.pk])),
            (mentor, reverse("projects:queue")),
            (mentor, reverse("projects:version", args=[version.pk])),
        ]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for user, url in urls:
            client.force_login(user)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            result.append(len(captured))
        return result

    v1 = submit(learner)
    before = counts()
    review(mentor, v1, decision="changes_requested")
    for n in range(3):
        other = UserFactory()
        enrol_with(other, mentor)
        submit(other, commit=f"abc123{n}")
    submit(learner, commit="v2.0")
    after = counts()
    assert all(count <= 10 for count in after), after
    assert after[0] == before[0]
    assert after[3] == before[3]


def test_the_mentors_page_of_a_learner_lists_their_projects(client, learner, mentor, enrolment):
    version = submit(learner)
    client.force_login(mentor)
    page = client.get(reverse("mentoring:learner", args=[enrolment.pk])).content.decode()
    section = " ".join(page[page.index('<section aria-labelledby="projects">') :].split())
    assert f'<a href="/projects/versions/{version.pk}/">version 1</a>' in section
    assert "Waiting for review" in section
    gate = '<span class="muted small">(phase sign-off)</span> — <span class="muted">nothing handed in'
    assert f"Week 22: Phase 1 end-to-end project {gate}" in section
