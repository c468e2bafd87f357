"""Admin: a project with its criteria inline, a criterion with its levels inline (overlaps refused with a
message), publishing refused without a complete rubric, the learner-view preview."""

import pytest
from django.urls import reverse

from curriculum.models import Week
from projects.models import Criterion, Project


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}  # fmt: skip
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def test_a_project_is_added_with_criteria_inline_but_not_published_without_levels(admin_client):
    week = Week.objects.get(number=5)
    data = {"week": week.pk, "kind": "mini", "title": "BPE from scratch", "brief": "Build it.",
            "deliverables": "Code.", "pass_mark": 4, "is_published": "on"}  # fmt: skip
    data |= inline("criteria", [{"order": 1, "title": "Tokenizer", "description": "Works."}])
    response = admin_client.post(reverse("admin:projects_project_add"), data, follow=True)
    assert response.status_code == 200
    project = Project.objects.get(week=week)
    assert project.criteria.get().title == "Tokenizer"
    assert project.is_published is False
    assert "Saved, but not published: “Tokenizer” needs at least two levels." in response.content.decode()


def test_overlapping_levels_inline_are_refused_with_a_message(admin_client):
    project = Project.objects.create(
        week=Week.objects.get(number=5), title="T", brief="b", deliverables="d", pass_mark=2
    )
    criterion = Criterion.objects.create(project=project, title="C", description="d")
    data = {"project": project.pk, "order": 1, "title": "C", "description": "d", "objectives": ""}
    data |= inline("levels", [
        {"label": "Low", "min_points": 0, "max_points": 3, "description": ""},
        {"label": "High", "min_points": 3, "max_points": 5, "description": ""},
    ])  # fmt: skip
    response = admin_client.post(reverse("admin:projects_criterion_change", args=[criterion.pk]), data)
    assert response.status_code == 200
    assert "overlap: a score must fall in exactly one level." in response.content.decode()
    assert not criterion.levels.exists()


def test_the_preview_shows_the_project_as_a_learner_sees_it(admin_client):
    project = Project.objects.get(week__number=51)
    page = admin_client.get(reverse("admin:projects_project_preview", args=[project.pk])).content.decode()
    assert "Preview: the page as a learner sees it" in page
    assert "Final capstone: an enterprise ML platform" in page
    assert "Architecture against requirements" in page
    assert "Submit for review" not in page
    change = admin_client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert "See the project as a learner sees it" in change
