"""Every API endpoint for every role: who gets the data, who is refused and how (401, 403 or 404)."""

import pytest

from assessments.models import Submission
from mentoring.models import WeekFeedback
from tests.conftest import ROLES

# fmt: off
#                                          anon learner other mentor other_m former completed staff
GETS: dict[str, tuple[int, int, int, int, int, int, int, int]] = {
    "/api/v1/phases/":                      (200, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/phases/1/":                    (200, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/weeks/":                       (200, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/weeks/3/":                     (200, 200, 200, 200, 200, 200, 200, 200),
    # The caller's own enrolment: mentors and staff have none.
    "/api/v1/me/enrolment/":                (401, 200, 200, 404, 404, 404, 404, 404),
    "/api/v1/me/schedule/":                 (401, 200, 200, 404, 404, 404, 404, 404),
    "/api/v1/me/progress/":                 (401, 200, 200, 404, 404, 404, 404, 404),
    "/api/v1/me/progress/3/":               (401, 200, 200, 404, 404, 404, 404, 404),
    "/api/v1/quizzes/":                     (401, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/quizzes/{quiz}/":              (401, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/submissions/":                 (401, 200, 200, 200, 200, 200, 200, 200),
    # The learner's submission: theirs, their mentor's and staff's to read.
    "/api/v1/submissions/{submission}/":    (401, 200, 404, 200, 404, 404, 404, 200),
    "/api/v1/mentor/learners/":             (401, 403, 403, 200, 200, 200, 200, 200),
    "/api/v1/mentor/learners/{enrolment}/schedule/":    (401, 403, 403, 200, 404, 404, 404, 200),
    "/api/v1/mentor/learners/{enrolment}/progress/":    (401, 403, 403, 200, 404, 404, 404, 200),
    "/api/v1/mentor/learners/{enrolment}/submissions/": (401, 403, 403, 200, 404, 404, 404, 200),
}
# fmt: on


def url_of(template: str, world) -> str:
    return template.format(quiz=world.quiz.pk, submission=world.submission.pk, enrolment=world.enrolment.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_get_answers_each_role_as_the_table_says(as_role, world, role):
    client = as_role(role)
    column = ROLES.index(role)
    wrong = []
    for template, expected in GETS.items():
        response = client.get(url_of(template, world))
        if response.status_code != expected[column]:
            wrong.append(f"{template}: expected {expected[column]}, got {response.status_code}")
        elif response.status_code in (401, 403, 404):
            assert set(response.json()) == {"detail"}, template  # the one error shape
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    zip(ROLES, (401, 403, 404, 200, 404, 404, 404, 200), strict=True),
)
def test_only_the_mentor_and_staff_grade_a_free_text_answer(as_role, world, role, expected):
    url = f"/api/v1/submissions/{world.submission.pk}/answers/{world.free_text.pk}/review/"
    response = as_role(role).post(url, {"points": "3.5", "feedback": "Good."}, format="json")
    assert response.status_code == expected, response.json()
    world.submission.refresh_from_db()
    graded = world.submission.status == Submission.Status.GRADED
    assert graded is (expected == 200)
    if expected == 200:
        body = response.json()
        assert body["status"] == "graded"
        assert body["score"] == "9.500000"  # 6 automatic points and the review's 3.5, to millionths
        essay = next(answer for answer in body["answers"] if answer["id"] == world.free_text.pk)
        assert essay["awarded_points"] == "3.500000"
        assert essay["feedback"] == "Good."
        assert essay["needs_review"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    zip(ROLES, (401, 403, 403, 200, 404, 404, 404, 200), strict=True),
)
def test_the_mentor_and_staff_read_a_learners_progress_and_submissions(as_role, world, role, expected):
    client = as_role(role)
    progress = client.get(f"/api/v1/mentor/learners/{world.enrolment.pk}/progress/")
    submissions = client.get(f"/api/v1/mentor/learners/{world.enrolment.pk}/submissions/")
    assert (progress.status_code, submissions.status_code) == (expected, expected)
    if expected == 200:
        assert [row["id"] for row in submissions.json()["results"]] == [world.submission.pk]
        assert submissions.json()["results"][0]["status"] == "needs_review"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    zip(ROLES, (401, 403, 403, 201, 404, 404, 404, 201), strict=True),
)
def test_feedback_is_for_the_mentor_and_staff(as_role, world, role, expected):
    url = f"/api/v1/mentor/learners/{world.enrolment.pk}/feedback/"
    response = as_role(role).post(url, {"week": 3, "body": "Keep going."}, format="json")
    assert response.status_code == expected
    assert WeekFeedback.objects.filter(enrolment=world.enrolment).exists() is (expected == 201)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_nobody_writes_to_another_learners_progress(as_role, world, role):
    """/me/ is always the caller's own: there is no URL that names somebody else's enrolment."""
    response = as_role(role).patch("/api/v1/me/progress/3/", {"status": "completed"}, format="json")
    assert response.status_code == {"anonymous": 401, "learner": 200, "other_learner": 200}.get(role, 404)
    assert world.enrolment.week_progress.filter(status="completed").exists() is (role == "learner")
