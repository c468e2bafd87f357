"""A mentor sees the work of the enrolments they mentor now, and nothing else (security finding 3).

Decision: access follows the current assignment. When an enrolment is completed or another mentor takes
it over, its mentor's access ends — to it and to the learner's later enrolments; staff keep the history
and the learner keeps their own. A submission belongs to the enrolment it was made under, so a new
mentor does not read the work done under an earlier enrolment's mentor either.
"""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from assessments import autograding
from assessments import services as assessment_services
from assessments.models import Submission
from assessments.selectors import can_review, submissions_needing_review_for, submissions_visible_to
from mentoring.services import mentees_assign
from progress.services import enrolment_create
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.conftest import mentor_history


@pytest.fixture
def history(learner, mentor, former_mentor, completed_mentor):
    from django.utils import timezone

    earlier, old_work, current = mentor_history(
        learner,
        completed_mentor=completed_mentor,
        former_mentor=former_mentor,
        enrol_now=lambda: enrolment_create(learner=learner, start_date=timezone.now().date()),
    )
    mentees_assign(mentor=mentor, enrolment_ids=[current.pk])
    quiz = make_quiz(week=3, free_text=True)
    new_work = assessment_services.submission_create(
        learner=learner, quiz=quiz, answers=perfect_answers(quiz)
    )
    new_work = autograding.submission_grade(submission_id=new_work.pk)
    return earlier, old_work, current, new_work


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["completed_mentor", "former_mentor"])
def test_an_earlier_mentor_reads_nothing_of_the_learner(request, history, role):
    earlier, old_work, current, new_work = history
    user = request.getfixturevalue(role)
    client = as_user(user)
    for submission in (old_work, new_work):
        assert client.get(reverse("api-submission-detail", args=[submission.pk])).status_code == 404
        assert client.get(reverse("assessments:submission-detail", args=[submission.pk])).status_code == 404
    assert client.get(reverse("api-submission-list")).json()["results"] == []
    assert not submissions_visible_to(user=user).exists()
    for enrolment in (earlier, current):
        assert client.get(reverse("learner:learner-schedule", args=[enrolment.pk])).status_code == 404
        assert client.get(reverse("mentoring:learner", args=[enrolment.pk])).status_code == 404
        assert client.get(f"/api/v1/mentor/learners/{enrolment.pk}/submissions/").status_code == 404
    assert not can_review(user=user, submission=new_work)
    assert not submissions_needing_review_for(mentor=user).exists()


@pytest.mark.django_db
def test_the_current_mentor_reads_the_current_enrolments_work_only(history, mentor):
    earlier, old_work, current, new_work = history
    client = as_user(mentor)
    assert client.get(reverse("api-submission-detail", args=[new_work.pk])).status_code == 200
    assert client.get(reverse("api-submission-detail", args=[old_work.pk])).status_code == 404
    assert client.get(reverse("assessments:submission-detail", args=[old_work.pk])).status_code == 404
    listed = client.get(f"/api/v1/mentor/learners/{current.pk}/submissions/").json()["results"]
    assert [row["id"] for row in listed] == [new_work.pk]
    page = client.get(reverse("mentoring:learner", args=[current.pk]))
    assert [s.pk for s in page.context["submissions"]] == [new_work.pk]
    assert client.get(reverse("learner:learner-schedule", args=[earlier.pk])).status_code == 404
    assert can_review(user=mentor, submission=new_work)
    assert list(submissions_needing_review_for(mentor=mentor)) == [new_work]


@pytest.mark.django_db
def test_staff_and_the_learner_keep_the_history(history, learner, staff):
    earlier, old_work, _, _ = history
    for user in (learner, staff):
        client = as_user(user)
        assert client.get(reverse("api-submission-detail", args=[old_work.pk])).status_code == 200
        assert client.get(reverse("learner:learner-schedule", args=[earlier.pk])).status_code == 200


@pytest.mark.django_db
def test_a_submission_belongs_to_the_enrolment_it_was_made_under(history):
    earlier, old_work, current, new_work = history
    assert (old_work.enrolment_id, new_work.enrolment_id) == (earlier.pk, current.pk)


@pytest.mark.django_db
def test_the_migration_attributes_existing_submissions_by_date(history):
    earlier, old_work, current, new_work = history
    Submission.objects.update(enrolment=None)
    migration = importlib.import_module("assessments.migrations.0007_submission_enrolment")
    migration.attribute_submissions(apps, None)
    old_work.refresh_from_db()
    new_work.refresh_from_db()
    assert (old_work.enrolment_id, new_work.enrolment_id) == (earlier.pk, current.pk)
