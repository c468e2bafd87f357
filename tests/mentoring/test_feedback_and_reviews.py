"""Feedback on a week (seen by the learner, e-mailed), phase sign-off rules, assignment in admin."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Quiz, Submission
from curriculum.models import Phase, Week
from mentoring.models import PhaseReview, WeekFeedback
from progress.models import Enrolment
from progress.services import week_progress_set
from tests.mentoring.conftest import quiz_of_week
from tests.projects.conftest import accept_project as accept_gate_project


@pytest.mark.django_db
def test_feedback_appears_to_the_learner_on_that_week_and_is_emailed(
    client, mentor, learner, mentee, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("mentoring:feedback", args=[mentee.pk, 1]), {"body": "Great start on vectors!"}
        )
    assert response.status_code == 302
    assert WeekFeedback.objects.get().author == mentor
    assert mail.outbox[-1].to == [learner.email]
    assert "Great start on vectors!" in mail.outbox[-1].body
    client.force_login(learner)
    assert "Great start on vectors!" in client.get(reverse("learner:week", args=[1])).content.decode()
    assert "Great start on vectors!" not in client.get(reverse("learner:week", args=[2])).content.decode()


@pytest.mark.django_db
def test_feedback_is_not_visible_to_another_learner(client, mentor, other_learner, mentee, other_mentee):
    WeekFeedback.objects.create(
        enrolment=mentee, week=Week.objects.get(number=1), author=mentor, body="Private note"
    )
    other_mentee.learner = other_learner
    other_mentee.save()
    client.force_login(other_learner)
    assert "Private note" not in client.get(reverse("learner:week", args=[1])).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_mentor", "learner"])
def test_only_the_learners_mentor_or_staff_can_leave_feedback(client, request, mentee, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("mentoring:feedback", args=[mentee.pk, 1]), {"body": "Hi"})
    assert response.status_code in (403, 404)
    assert not WeekFeedback.objects.exists()


@pytest.mark.django_db
def test_empty_or_oversized_feedback_is_refused_with_a_message(client, mentor, mentee):
    client.force_login(mentor)
    for body in ["   ", "x" * 6000]:
        response = client.post(
            reverse("mentoring:feedback", args=[mentee.pk, 1]), {"body": body}, follow=True
        )
        assert "Feedback not saved" in response.content.decode()
    assert not WeekFeedback.objects.exists()


def complete_phase_one(enrolment: Enrolment, *, pass_quizzes: bool, accept_project: bool = True) -> None:
    for week in Week.objects.filter(phase__number=1):
        week_progress_set(enrolment=enrolment, week=week, status="completed")
    if accept_project:  # the phase's sign-off project (week 22)
        accept_gate_project(enrolment)
    if pass_quizzes:
        quiz_of_week(1)  # at least one quiz in the phase, whether or not the starter quizzes are loaded
        for quiz in Quiz.objects.filter(week__phase__number=1, is_published=True):
            Submission.objects.create(
                learner=enrolment.learner, enrolment=enrolment, quiz=quiz, attempt_number=1,
                status=Submission.Status.GRADED,
                percent=Decimal(100), passed=True, graded_at=timezone.now(),
            )  # fmt: skip


@pytest.mark.django_db
def test_a_phase_cannot_be_signed_off_before_its_project_is_accepted(client, mentor, mentee):
    complete_phase_one(mentee, pass_quizzes=True, accept_project=False)
    client.force_login(mentor)
    learner_page = client.get(reverse("mentoring:learner", args=[mentee.pk])).content.decode()
    assert "project not accepted yet: week 22" in learner_page
    page = review(client, mentee, "signed_off").content.decode()
    assert "cannot be signed off yet: project not accepted yet: week 22" in page
    assert not PhaseReview.objects.exists()
    accept_gate_project(mentee)
    review(client, mentee, "signed_off")
    assert PhaseReview.objects.get().decision == "signed_off"


def review(client, enrolment, decision, comments=""):
    url = reverse("mentoring:phase-review", args=[enrolment.pk, 1])
    return client.post(url, {"decision": decision, "comments": comments}, follow=True)


@pytest.mark.django_db
def test_a_phase_cannot_be_signed_off_before_its_weeks_are_complete(client, mentor, mentee):
    client.force_login(mentor)
    page = review(client, mentee, "signed_off").content.decode()
    assert "cannot be signed off yet" in page
    assert "weeks not completed: 1, 2" in page
    assert not PhaseReview.objects.exists()


@pytest.mark.django_db
def test_a_phase_cannot_be_signed_off_before_its_quizzes_are_passed(client, mentor, mentee):
    quiz_of_week(2)
    complete_phase_one(mentee, pass_quizzes=False)
    client.force_login(mentor)
    page = review(client, mentee, "signed_off").content.decode()
    assert "quizzes not passed" in page
    assert not PhaseReview.objects.exists()


@pytest.mark.django_db
def test_the_mentor_signs_off_a_finished_phase_and_the_learner_sees_the_milestone(
    client, mentor, learner, mentee
):
    complete_phase_one(mentee, pass_quizzes=True)
    client.force_login(mentor)
    review(client, mentee, "signed_off")
    assert PhaseReview.objects.get().decision == "signed_off"
    assert "already signed off" in review(client, mentee, "signed_off").content.decode()
    client.force_login(learner)
    page = client.get(reverse("learner:dashboard")).content.decode()
    assert "Signed off" in page
    assert "Phase 1: Foundations of Modern AI — signed off by" in page


@pytest.mark.django_db
def test_returning_a_phase_needs_comments_which_the_learner_sees(client, mentor, learner, mentee):
    client.force_login(mentor)
    assert "Say what the learner should do" in review(client, mentee, "returned").content.decode()
    review(client, mentee, "returned", "Redo the week 3 exercises first.")
    client.force_login(learner)
    assert "Redo the week 3 exercises first." in client.get(reverse("learner:dashboard")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), [("other_mentor", False), ("learner", False), ("staff", True)])
def test_only_the_learners_mentor_or_staff_can_sign_off(client, request, mentee, role, allowed):
    complete_phase_one(mentee, pass_quizzes=True)
    client.force_login(request.getfixturevalue(role))
    review(client, mentee, "signed_off")
    assert PhaseReview.objects.exists() is allowed


@pytest.mark.django_db
def test_admin_assigns_learners_in_bulk_from_the_mentors_page(
    client, staff, mentor, other_mentor, mentee, other_mentee
):
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[mentor.pk])
    form = client.get(url).context["adminform"].form
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {key: value for key, value in data.items() if value is not None}
    data["groups"] = [group.pk for group in mentor.groups.all()]
    data["user_permissions"] = []
    data["mentees"] = [mentee.pk, other_mentee.pk]
    data["date_joined_0"], data["date_joined_1"] = "2026-11-01", "10:00:00"
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    other_mentee.refresh_from_db()
    assert other_mentee.mentor == mentor
    assert Phase.objects.count() == 3


@pytest.mark.django_db
def test_the_mentor_sees_the_learners_re_plan(client, mentor, learner, frozen_today):
    from datetime import date

    from progress.services import schedule_replan
    from tests.mentoring.conftest import enrol

    enrolment = enrol(learner, mentor=mentor, start=date(2026, 10, 26))
    schedule_replan(enrolment=enrolment, changed_by=learner)
    client.force_login(mentor)
    page = client.get(reverse("mentoring:learner", args=[enrolment.pk])).content.decode()
    assert "Catch-up re-plan — week 1 from 23 November 2026" in page


@pytest.mark.django_db
@pytest.mark.parametrize("pass_quizzes", [True, False])
def test_the_blockers_read_with_the_weeks_equal_the_ones_queried(mentee, pass_quizzes):
    """The learner page reads each week's quiz state with the weeks (`week_quiz_annotations`); the
    sign-off service queries it: both give the same blockers."""
    from assessments.selectors import week_quiz_annotations
    from mentoring.selectors import phases_ready_for_review
    from progress.selectors import learner_overview

    complete_phase_one(mentee, pass_quizzes=pass_quizzes)
    quiz_of_week(30)  # a published quiz in phase 2, never tried
    read = learner_overview(
        enrolment=mentee, week_annotations=week_quiz_annotations(learner_id=mentee.learner_id)
    )
    with_weeks = phases_ready_for_review(enrolment=mentee, overview=read)
    queried = phases_ready_for_review(enrolment=mentee)
    assert with_weeks == queried
    assert any("quizzes not passed" in reason for reason in queried[2])
    assert (queried[1] == []) is pass_quizzes


@pytest.mark.django_db
def test_phase_reviews_are_the_latest_of_each_phase_in_phase_order_with_the_reviewers_name(
    client, mentor, learner, mentee, django_user_model
):
    """Read as values for the dashboard: the latest decision of each phase wins, phases come in their
    order, the reviewer shows by their display name, and a deleted reviewer's review still shows."""
    from mentoring.selectors import phase_reviews_for

    phase_one, phase_two = Phase.objects.get(number=1), Phase.objects.get(number=2)
    former = django_user_model.objects.create_user("former-mentor", "former@example.com", "x" * 12)
    mentor.name = "Ada Mentor"
    mentor.save()
    PhaseReview.objects.create(
        enrolment=mentee, phase=phase_two, decision="returned", comments="Redo 14", reviewer=former
    )
    PhaseReview.objects.create(
        enrolment=mentee, phase=phase_one, decision="returned", comments="Early", reviewer=mentor
    )
    PhaseReview.objects.create(
        enrolment=mentee, phase=phase_one, decision="signed_off", comments="Well done", reviewer=mentor
    )
    former.delete()

    reviews = phase_reviews_for(enrolment=mentee)

    assert list(reviews) == [1, 2]
    assert (reviews[1].decision_label, reviews[1].reviewer, reviews[1].comments) == (
        "Signed off",
        "Ada Mentor",
        "Well done",
    )
    assert reviews[1].is_signed_off
    assert not reviews[2].is_signed_off
    assert (reviews[2].reviewer, reviews[2].phase_title) == ("", phase_two.title)
    client.force_login(learner)
    page = client.get(reverse("learner:dashboard")).content.decode()
    assert f"Phase 1: {phase_one.title} — signed off by Ada Mentor" in page
    assert 'your mentor asks:<blockquote class="quote comment"><p>Redo 14</p>' in page


@pytest.mark.django_db
def test_week_feedback_shows_its_authors_name_and_outlives_a_deleted_account(
    client, learner, mentee, django_user_model
):
    week = Week.objects.get(number=1)
    former = django_user_model.objects.create_user("gone-mentor", "gone@example.com", "x" * 12, name="Grace")
    WeekFeedback.objects.create(enrolment=mentee, week=week, author=former, body="Keep the notebook tidy")
    client.force_login(learner)
    assert "Grace, " in client.get(reverse("learner:week", args=[1])).content.decode()

    former.delete()

    page = client.get(reverse("learner:week", args=[1])).content.decode()
    assert "Keep the notebook tidy" in page
    assert "None" not in page
