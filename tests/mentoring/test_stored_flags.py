"""The stored mentee flags (failed quiz, answers to review, project waiting): written by the services that
change them, equal to a fresh computation after any sequence of writes, and what the table sorts by."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import autograding
from assessments import services as quizzes
from assessments.models import Answer, QuizRecord, Submission
from mentoring.flags import mentee_flags_computed
from mentoring.models import MenteeFlags
from mentoring.services import mentee_flags_rebuild_all
from progress.models import Enrolment
from progress.services import enrolment_leave
from tests.assessments.conftest import half_answers, make_quiz, perfect_answers
from tests.factories import StaffFactory, UserFactory
from tests.projects.conftest import enrol_with, review, submit


def stored(enrolment: Enrolment) -> tuple[bool, bool, bool, int] | None:
    row = MenteeFlags.objects.filter(pk=enrolment.pk).first()
    return None if row is None else (row.failed_quiz, row.pending_review, row.project_waiting, row.count)


def assert_fresh(*enrolments: Enrolment) -> None:
    computed = {pk: flags for pk, *flags in mentee_flags_computed(enrolment_ids=[e.pk for e in enrolments])}
    for enrolment in enrolments:
        failed, pending, waiting = computed[enrolment.pk]
        assert stored(enrolment) == (failed, pending, waiting, failed + pending + waiting)


def take_quiz(learner, quiz, answers):
    submission = quizzes.submission_create(learner=learner, quiz=quiz, answers=answers)
    return autograding.submission_grade(submission_id=submission.pk)


@pytest.mark.django_db
def test_each_write_raises_and_lowers_its_flag_in_the_same_transaction(learner, mentor):
    enrolment = enrol_with(learner, mentor)
    assert stored(enrolment) == (False, False, False, 0)  # created with the enrolment

    quiz = make_quiz(week=1, free_text=True)
    free_text = quiz.questions.get(kind="free_text")
    take_quiz(learner, quiz, half_answers(quiz) | {free_text.pk: "x"})
    assert stored(enrolment) == (False, True, False, 1)  # graded but for the free text: waiting for review

    answer = Answer.objects.get(submission__learner=learner, question__kind="free_text")
    quizzes.answer_review(reviewer=mentor, answer=answer, points=0, feedback="No.")
    assert stored(enrolment) == (True, False, False, 1)  # reviewed: 3 of 10, failed

    take_quiz(learner, quiz, perfect_answers(quiz))
    assert stored(enrolment)[3] == 1  # the perfect attempt's free text waits for review again

    version = submit(learner)
    assert stored(enrolment)[2] is True
    review(mentor, version, decision="changes_requested", level_index=0, points="min")
    assert stored(enrolment)[2] is False
    assert_fresh(enrolment)


@pytest.mark.django_db
def test_a_new_enrolment_starts_afresh_and_the_earlier_keeps_its_own(learner, mentor):
    """Enrolling again starts the quizzes afresh (assessments.attempts): the new enrolment's flags and
    the learner's stored record count only its attempts; the failed quiz stays in the earlier one's."""
    first = enrol_with(learner, mentor)
    quiz = make_quiz(week=1)
    take_quiz(learner, quiz, half_answers(quiz))
    assert stored(first) == (True, False, False, 1)
    enrolment_leave(enrolment=first)
    second = enrol_with(learner, mentor)
    assert stored(second) == (False, False, False, 0)
    assert QuizRecord.objects.get(learner=learner).failed_count == 0
    assert Submission.objects.get(learner=learner).enrolment_id == first.pk
    take_quiz(learner, quiz, half_answers(quiz))
    assert stored(second) == (True, False, False, 1)


@pytest.mark.django_db
def test_staff_cannot_move_an_enrolment_to_another_learner_in_admin_so_flags_stay_put(
    client, learner, mentor, staff
):
    """An enrolment is never handed to another learner (admin shows its learner read-only): the flags,
    quiz record and standing of both learners stay what their own work makes them."""
    quiz = make_quiz(week=1)
    failing = UserFactory(username="failing")
    take_quiz(failing, quiz, half_answers(quiz))
    failing_record = QuizRecord.objects.get(learner=failing).failed_count
    enrolment = enrol_with(learner, mentor)
    assert stored(enrolment) == (False, False, False, 0)
    client.force_login(staff)
    url = reverse("admin:progress_enrolment_change", args=[enrolment.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"learner": failing.pk, "mentor": mentor.pk, "start_date": enrolment.start_date.isoformat()}
    data |= {f"schedule_changes-{key}": "0" for key in ("TOTAL_FORMS", "INITIAL_FORMS")}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    enrolment.refresh_from_db()
    assert enrolment.learner_id == learner.pk
    assert stored(enrolment) == (False, False, False, 0)
    assert QuizRecord.objects.get(learner=failing).failed_count == failing_record


@pytest.mark.django_db
def test_the_default_order_counts_stored_and_live_flags_together(client, mentor):
    """Two stored flags (failed quiz, project waiting) sort above one live flag (inactive), which sorts
    above none; a row's flags on the page are the same ones."""
    quiz = make_quiz(week=1)
    two, one, none = (UserFactory(username=name) for name in ["two", "one", "none"])
    for learner in (none, two, one):
        enrol_with(learner, mentor)
    take_quiz(two, quiz, half_answers(quiz))
    submit(two)
    Enrolment.objects.filter(learner=one).update(last_activity_at="2020-01-01T00:00:00Z")
    client.force_login(mentor)
    rows = client.get(reverse("mentoring:dashboard")).context["rows"]
    assert [(row.learner.username, row.flags) for row in rows] == [
        ("two", ["failed_quiz", "project_waiting"]),
        ("one", ["inactive"]),
        ("none", []),
    ]


@pytest.mark.django_db
def test_the_rebuild_repairs_every_row(learner, mentor):
    enrolment = enrol_with(learner, mentor)
    submit(learner)
    MenteeFlags.objects.all().delete()
    assert mentee_flags_rebuild_all() == 1
    assert stored(enrolment) == (False, False, True, 1)
    MenteeFlags.objects.update(project_waiting=False, count=0)
    out = io.StringIO()
    call_command("rebuild_mentee_flags", inline=True, stdout=out)
    assert stored(enrolment) == (False, False, True, 1)
    assert "1 enrolments' flags rebuilt" in out.getvalue()


operations = st.lists(
    st.one_of(
        st.tuples(st.just("quiz"), st.sampled_from(["perfect", "half"]), st.booleans()),
        st.tuples(st.just("review_answer"), st.integers(0, 4)),
        st.tuples(st.just("submit_project")),
        st.tuples(st.just("review_project"), st.sampled_from(["accepted", "changes_requested"])),
        st.tuples(st.just("leave_and_enrol")),
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_stored_flags_equal_a_fresh_computation_after_any_sequence(mentor, steps):
    from projects.models import Version

    with transaction.atomic():
        learner, staff = UserFactory(), StaffFactory()  # staff review answers of a finished enrolment too
        enrolment = enrol_with(learner, mentor)
        quizzes_by_text = {True: make_quiz(week=1, free_text=True), False: make_quiz(week=2)}
        for step in steps:
            try:
                match step:
                    case ("quiz", kind, free_text):
                        quiz = quizzes_by_text[free_text]
                        answers = perfect_answers(quiz) if kind == "perfect" else half_answers(quiz)
                        if free_text:
                            answers |= {q.pk: "x" for q in quiz.questions.filter(kind="free_text")}
                        take_quiz(learner, quiz, answers)
                    case ("review_answer", points):
                        answer = Answer.objects.filter(submission__learner=learner, needs_review=True).first()
                        if answer is not None:
                            quizzes.answer_review(reviewer=staff, answer=answer, points=points, feedback="ok")
                    case ("submit_project",):
                        submit(learner)
                    case ("review_project", decision):
                        version = Version.objects.filter(enrolment=enrolment, status="submitted").first()
                        if version is not None:
                            review(mentor, version, decision=decision)
                    case ("leave_and_enrol",):
                        enrolment_leave(enrolment=enrolment)
                        enrolment = enrol_with(learner, mentor)
            except ValidationError:  # refused (no attempts left, a draft already waiting): nothing changed
                pass
            assert_fresh(*Enrolment.objects.filter(learner=learner))
        transaction.set_rollback(True)
