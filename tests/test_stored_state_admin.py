"""Django admin for stored state (standings, quiz records, mentors' flags): staff read the rows and
recompute them from their sources; nobody adds, edits or deletes them (only each app's service writes)."""

import pytest
from django.urls import reverse

from assessments import autograding
from assessments import services as assessment_services
from assessments.models import QuizRecord, Submission
from mentoring.models import MenteeFlags
from progress.models import Standing
from tests.assessments.conftest import enrol, half_answers, make_quiz
from tests.factories import UserFactory

# admin URL name, the model, a column that a wrong stored value shows in, and a wrong value
STORED = [
    ("progress_standing", Standing, "weeks_behind", 40),
    ("assessments_quizrecord", QuizRecord, "failed_count", 9),
    ("mentoring_menteeflags", MenteeFlags, "count", 3),
]


@pytest.fixture
def stored_rows(learner):
    """The learner enrolled (a standing, mentor flags) who failed a graded quiz (a quiz record)."""
    enrol(learner)
    quiz = make_quiz(week=3)
    submission = assessment_services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
    autograding.submission_grade(submission_id=submission.pk)
    return learner


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "model", "column", "wrong"), STORED)
def test_staff_read_the_rows_and_recompute_a_wrong_one(
    client, staff, stored_rows, name, model, column, wrong
):
    row = model.objects.get()
    right = getattr(row, column)
    model.objects.update(**{column: wrong})  # as a bug or a manual UPDATE would leave it
    client.force_login(staff)

    listing = client.get(reverse(f"admin:{name}_changelist"))
    assert listing.status_code == 200
    assert stored_rows.display_name in listing.content.decode()  # (never their e-mail address)

    response = client.post(
        reverse(f"admin:{name}_changelist"),
        {"action": "recompute_selected", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Recomputed 1 row." in response.content.decode()
    assert getattr(model.objects.get(), column) == right


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "model", "column", "wrong"), STORED)
def test_nobody_adds_edits_or_deletes_a_stored_row(client, staff, stored_rows, name, model, column, wrong):
    row = model.objects.get()
    before = getattr(row, column)
    client.force_login(staff)

    assert client.get(reverse(f"admin:{name}_add")).status_code == 403
    change_url = reverse(f"admin:{name}_change", args=[row.pk])
    page = client.get(change_url)
    assert page.status_code == 200  # to read
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {column: wrong}).status_code == 403
    assert client.post(reverse(f"admin:{name}_delete", args=[row.pk])).status_code == 403
    listing = client.get(reverse(f"admin:{name}_changelist")).content.decode()
    assert "delete_selected" not in listing
    assert getattr(model.objects.get(), column) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "model", "column", "wrong"), STORED)
def test_learners_and_mentors_are_sent_to_the_admin_login(
    client, learner, mentor, stored_rows, name, model, column, wrong
):
    for user in (learner, mentor):
        client.force_login(user)
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
        model.objects.update(**{column: wrong})
        client.post(
            reverse(f"admin:{name}_changelist"),
            {"action": "recompute_selected", "_selected_action": [model.objects.get().pk]},
        )
        assert getattr(model.objects.get(), column) == wrong  # nothing recomputed for them


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "model", "column", "wrong"), STORED)
def test_the_list_takes_the_same_queries_for_many_rows(
    client, staff, stored_rows, django_assert_max_num_queries, name, model, column, wrong
):
    client.force_login(staff)
    url = reverse(f"admin:{name}_changelist")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    quiz = Submission.objects.get().quiz
    for _ in range(4):  # four more learners with rows of every kind
        learner = UserFactory()
        enrol(learner)
        assessment_services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
    assert model.objects.count() == 5
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
