"""A mentor acts on the enrolments they mentor now, and reads those that ended while they mentored them
(security finding 3, revised by issue 35's "a learner's history … for the learner and their mentor at
the time").

Decision: acting (reviews, feedback, sign-off) follows the current assignment. When an enrolment ends
(the learner leaves, or it is completed), its mentor at the end keeps read-only access to that
enrolment's record and the work made under it, as a teacher keeps a concluded course's records — never
to the learner's later enrolments. A mentor who was replaced (another mentor assigned) reads nothing of
it. Staff keep all the history and the learner their own. A submission belongs to the enrolment it was
made under, so a new mentor does not read the work done under an earlier enrolment's mentor either.
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
def test_a_replaced_mentor_reads_nothing_of_the_learner(history, former_mentor):
    earlier, old_work, current, new_work = history
    client = as_user(former_mentor)
    for submission in (old_work, new_work):
        assert client.get(reverse("api-submission-detail", args=[submission.pk])).status_code == 404
        assert client.get(reverse("assessments:submission-detail", args=[submission.pk])).status_code == 404
    assert client.get(reverse("api-submission-list")).json()["results"] == []
    assert not submissions_visible_to(user=former_mentor).exists()
    for enrolment in (earlier, current):
        assert client.get(reverse("learner:learner-schedule", args=[enrolment.pk])).status_code == 404
        assert client.get(reverse("learner:learner-progress", args=[enrolment.pk])).status_code == 404
        assert client.get(reverse("mentoring:learner", args=[enrolment.pk])).status_code == 404
        assert client.get(f"/api/v1/mentor/learners/{enrolment.pk}/submissions/").status_code == 404
    assert not can_review(user=former_mentor, submission=new_work)
    assert not submissions_needing_review_for(mentor=former_mentor).exists()


@pytest.mark.django_db
def test_the_mentor_at_the_end_reads_that_enrolment_only_and_acts_on_nothing(history, completed_mentor):
    earlier, old_work, current, new_work = history
    client = as_user(completed_mentor)
    # The enrolment they mentored until it ended: its schedule, progress and the work made under it.
    assert client.get(reverse("learner:learner-schedule", args=[earlier.pk])).status_code == 200
    assert client.get(reverse("learner:learner-progress", args=[earlier.pk])).status_code == 200
    assert client.get(reverse("api-submission-detail", args=[old_work.pk])).status_code == 200
    page = client.get(reverse("assessments:submission-detail", args=[old_work.pk]))
    assert page.status_code == 200
    assert not page.context["can_review"]
    assert [row["id"] for row in client.get(reverse("api-submission-list")).json()["results"]] == [
        old_work.pk
    ]
    assert not can_review(user=completed_mentor, submission=old_work)
    # Nothing of the learner's later enrolment, and no mentor's page (acting) for the ended one.
    assert client.get(reverse("api-submission-detail", args=[new_work.pk])).status_code == 404
    assert client.get(reverse("learner:learner-schedule", args=[current.pk])).status_code == 404
    for enrolment in (earlier, current):
        assert client.get(reverse("mentoring:learner", args=[enrolment.pk])).status_code == 404
        assert client.get(f"/api/v1/mentor/learners/{enrolment.pk}/submissions/").status_code == 404
    assert not submissions_needing_review_for(mentor=completed_mentor).exists()


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
