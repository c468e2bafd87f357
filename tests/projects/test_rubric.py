"""The rubric: levels with point ranges that do not overlap, scores inside them, the pass rule, and a
published project has a complete rubric (model validation, so the fixture and admin obey it)."""

import pytest
from django.core.exceptions import ValidationError

from curriculum.models import Week
from projects.models import Criterion, Level, Project, Score
from projects.rubric import CriterionScore, LevelRange, fail_reasons, passes, range_problems, rubric_problems


def test_overlapping_ranges_are_named():
    problems = range_problems([LevelRange("Developing", 3, 5), LevelRange("Proficient", 5, 8)])
    assert problems == [
        "“Developing 3–5” and “Proficient 5–8” overlap: a score must fall in exactly one level."
    ]
    assert range_problems([LevelRange("A", 0, 2), LevelRange("B", 3, 5)]) == []
    assert "above the highest" in range_problems([LevelRange("C", 9, 7)])[0]


def test_the_pass_rule_needs_the_mark_and_no_criterion_at_its_lowest_level():
    good = CriterionScore("Design", LevelRange("Proficient", 6, 8), 8, lowest=False)
    lowest = CriterionScore("Tests", LevelRange("Missing", 0, 2), 2, lowest=True)
    assert passes([good, good], pass_mark=16)
    assert not passes([good, good], pass_mark=17)
    assert fail_reasons([good, good], pass_mark=17) == ["16 points, below the pass mark of 17"]
    assert not passes([good, good, lowest], pass_mark=10)  # enough points, but one criterion missing
    assert fail_reasons([good, good, lowest], pass_mark=10) == ["“Tests” is at its lowest level"]


@pytest.fixture
def draft_project(db):
    week = Week.objects.get(number=5)
    return Project.objects.create(week=week, title="T", brief="b", deliverables="d", pass_mark=4)


def test_a_level_that_overlaps_another_of_its_criterion_is_refused(draft_project):
    criterion = Criterion.objects.create(project=draft_project, title="C", description="d")
    Level.objects.create(criterion=criterion, label="Low", min_points=0, max_points=3)
    overlapping = Level(criterion=criterion, label="High", min_points=3, max_points=5)
    with pytest.raises(ValidationError, match="“High 3–5” overlaps “Low 0–3”"):
        overlapping.full_clean()
    Level(criterion=criterion, label="High", min_points=4, max_points=5).full_clean()


def test_points_outside_the_chosen_level_are_refused(draft_project):
    criterion = Criterion.objects.create(project=draft_project, title="C", description="d")
    level = Level.objects.create(criterion=criterion, label="Proficient", min_points=6, max_points=8)
    with pytest.raises(ValidationError) as caught:
        Score(criterion=criterion, level=level, points=9).clean()
    assert caught.value.message_dict == {"points": ["9 is outside “Proficient 6–8”: give 6 to 8."]}


def test_a_project_without_criteria_cannot_be_published(draft_project):
    draft_project.is_published = True
    with pytest.raises(ValidationError) as caught:
        draft_project.full_clean()
    assert "The rubric has no criteria" in caught.value.message_dict["is_published"][0]


def test_a_criterion_needs_two_levels_and_a_reachable_pass_mark(draft_project):
    criterion = Criterion.objects.create(project=draft_project, title="Design", description="d")
    Level.objects.create(criterion=criterion, label="Only", min_points=0, max_points=3)
    assert rubric_problems(project=draft_project) == [
        "“Design” needs at least two levels.",
        "The pass mark (4) is above the most points possible (3).",
    ]


def test_criterion_objectives_must_be_the_weeks_own(draft_project):
    criterion = Criterion(project=draft_project, title="C", description="d", objectives="Juggle chainsaws")
    with pytest.raises(ValidationError, match="Not an objective of week 5: Juggle chainsaws"):
        criterion.full_clean()
