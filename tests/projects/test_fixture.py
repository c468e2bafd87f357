"""The shipped briefs: a published project with a rubric of at least three criteria for each project
week, loaded with the curriculum (idempotent), and a loader that refuses a published project whose
rubric is broken."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import Project
from projects.rubric import rubric_problems
from tests.conftest import REPO

FIXTURE = REPO / "fixtures" / "projects.json"


@pytest.mark.parametrize("week", [21, 22, 38, 51, 52])
def test_each_project_week_has_a_published_project_with_a_complete_rubric(db, week):
    project = Project.objects.get(week__number=week)
    assert project.is_published
    assert project.criteria.count() >= 3
    assert rubric_problems(project=project) == []
    assert len(project.brief) > 300
    assert "repository" in project.deliverables.lower()


def test_the_phase_sign_off_projects_are_weeks_22_38_and_51(db):
    gates = Project.objects.filter(signs_off_phase=True).values_list("week__number", "week__phase__number")
    assert sorted(gates) == [(22, 1), (38, 2), (51, 3)]
    assert set(Project.objects.filter(kind="mini").values_list("week__number", flat=True)) == {8, 28}


def test_loading_twice_changes_nothing(db):
    before = list(Project.objects.values())
    call_command("load_curriculum", FIXTURE, verbosity=0)
    assert list(Project.objects.values()) == before


def test_a_published_project_with_overlapping_levels_is_refused_and_nothing_loads(db, tmp_path):
    objects = json.loads(FIXTURE.read_text())
    levels = [item for item in objects if item["model"] == "projects.level"]
    levels[1]["fields"]["min_points"] = 1  # "Developing" from 1 overlaps "Missing" up to 2
    broken = tmp_path / "projects.json"
    broken.write_text(json.dumps(objects))
    with pytest.raises(CommandError, match="overlap"):
        call_command("load_curriculum", broken, verbosity=0)
    assert Project.objects.get(week__number=21).criteria.first().levels.all()[1].min_points == 3
