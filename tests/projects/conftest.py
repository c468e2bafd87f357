"""Helpers for project tests: an enrolled learner with a mentor, drafts, submissions and scores."""

import pytest
from django.utils import timezone

from mentoring.services import mentees_assign
from progress.services import enrolment_create
from projects import services
from projects.models import Project, Version
from projects.services import ScoreInput

WEEK = 21  # a published project of the fixture (not a sign-off project)
GATE_WEEK = 22  # the phase 1 sign-off project


def enrol_with(learner, mentor=None, *, start=None):
    enrolment = enrolment_create(learner=learner, start_date=start or timezone.now().date())
    if mentor is not None:
        mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
        enrolment.refresh_from_db()
    return enrolment


def project(week: int = WEEK) -> Project:
    return Project.objects.get(week__number=week)


def submit(
    learner, *, week: int = WEEK, report: str = "# Report\n\nResults.", commit: str = "abc1234"
) -> Version:
    version = services.draft_save(
        learner=learner, project=project(week), repository_url="https://github.com/ada/bench",
        commit=commit, report=report,
    )  # fmt: skip
    return services.version_submit(learner=learner, version_id=version.pk)


def scores(target: Project, *, level_index: int = -1, points: str = "max") -> list[ScoreInput]:
    """Every criterion scored at the level of this index (ordered lowest first), at its max or min."""
    result = []
    for criterion in target.criteria.all():
        level = list(criterion.levels.all())[level_index]
        value = level.max_points if points == "max" else level.min_points
        result.append(ScoreInput(criterion_id=criterion.pk, level_id=level.pk, points=value, comment="ok"))
    return result


def review(reviewer, version: Version, decision: str = "accepted", **score_options):
    return services.review_create(
        reviewer=reviewer, version_id=version.pk, decision=decision, comment="Overall: fine.",
        scores=scores(version.project, **score_options),
    )  # fmt: skip


@pytest.fixture
def enrolment(learner, mentor):
    return enrol_with(learner, mentor)


def accept_project(enrolment, *, week: int = GATE_WEEK) -> Version:
    """The learner's project of `week` submitted and accepted (by a staff reviewer)."""
    from tests.factories import StaffFactory

    version = submit(enrolment.learner, week=week)
    review(StaffFactory(), version, decision="accepted")
    version.refresh_from_db()
    return version
