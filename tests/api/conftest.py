"""Two learners, each enrolled with their own mentor; the learner has a submission waiting for review."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from assessments import autograding
from assessments import services as assessment_services
from assessments.models import Answer, Quiz, Submission
from mentoring.services import mentees_assign
from progress.models import Enrolment
from tests.assessments.conftest import enrol, make_quiz, perfect_answers
from tests.conftest import mentor_history


@dataclass
class World:
    enrolment: Enrolment
    other_enrolment: Enrolment
    quiz: Quiz
    submission: Submission
    free_text: Answer


@pytest.fixture
def world(learner, other_learner, mentor, other_mentor, former_mentor, completed_mentor) -> World:
    _, _, enrolment = mentor_history(
        learner,
        completed_mentor=completed_mentor,
        former_mentor=former_mentor,
        enrol_now=lambda: enrol(learner),
    )
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    other_enrolment = enrol(other_learner, mentor=other_mentor)
    quiz = make_quiz(week=3, free_text=True)
    submission = assessment_services.submission_create(
        learner=learner, quiz=quiz, answers=perfect_answers(quiz, free_text="MY-ESSAY")
    )
    submission = autograding.submission_grade(submission_id=submission.pk)  # type: ignore[assignment]
    assert submission.status == Submission.Status.NEEDS_REVIEW
    return World(
        enrolment=enrolment,
        other_enrolment=other_enrolment,
        quiz=quiz,
        submission=submission,
        free_text=submission.answers.get(question__kind="free_text"),
    )


@pytest.fixture
def as_role(request, db):
    """as_role("mentor") → an API client authenticated as that role's user (anonymous: none)."""

    def client_for(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(request.getfixturevalue(role))
        return client

    return client_for
