"""The exercise page, the run page and the API: what each shows (never the hidden tests' code or the
reference solution), bad input answered with a clear status, the mentor's view, the schema, admin."""

import pytest
from django.test import Client
from django.utils import timezone

from exercises import execution
from exercises.models import Draft, Run
from mentoring.services import mentees_assign
from progress.services import enrolment_create
from tests.exercises.conftest import HIDDEN_MARKER, REFERENCE, make_exercise

WRONG = "def add(a, b):\n    return abs(a) + abs(b)\n"
REFERENCE_MARKER = "return a + b"


@pytest.fixture
def exercise(db):
    return make_exercise(
        prompt="Write `add`.\n\n<script>alert(1)</script>**bold**", reference_solution=REFERENCE
    )


def api_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_prompt_sanitised_the_examples_and_the_hidden_tests_descriptions_only(
    client, learner, exercise, django_assert_max_num_queries
):
    client.force_login(learner)
    with django_assert_max_num_queries(12):
        response = client.get(f"/exercises/{exercise.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "add(1, 2) should be 3" in page  # the example tests are shown
    assert "adds negative numbers" in page  # the hidden tests' descriptions …
    assert HIDDEN_MARKER not in page  # … never their code
    assert REFERENCE_MARKER not in page  # nor the reference solution
    assert "# your code here" in page  # the starter, until there is a draft
    assert 'src="/static/vendor/codemirror/codemirror.min.js' in page or "codemirror" in page


def test_the_page_opens_with_the_draft(client, learner, exercise):
    Draft.objects.create(learner=learner, exercise=exercise, code="def add(a, b):\n    return 42  # mine\n")
    client.force_login(learner)
    assert "return 42  # mine" in client.get(f"/exercises/{exercise.pk}/").content.decode()


def test_an_unpublished_exercise_is_404_for_learners_and_shown_to_staff(client, learner, staff):
    exercise = make_exercise(published=False)
    client.force_login(learner)
    assert client.get(f"/exercises/{exercise.pk}/").status_code == 404
    client.force_login(staff)
    assert "Not published" in client.get(f"/exercises/{exercise.pk}/").content.decode()


def test_without_javascript_the_form_runs_and_opens_the_run_page(client, learner, exercise, real_sandbox):
    client.force_login(learner)
    response = client.post(f"/exercises/{exercise.pk}/run/", {"kind": "submission", "code": WRONG})
    run = Run.objects.get(learner=learner)
    assert response.status_code == 302
    assert response["Location"] == f"/exercises/runs/{run.pk}/"
    waiting = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting  # refreshes itself until the result is there
    execution.run_execute(run_id=run.pk)
    page = client.get(response["Location"]).content.decode()
    assert "1 of 2 tests passed" in page
    assert "adding two negative numbers goes wrong" in page
    assert 'http-equiv="refresh"' not in page
    assert HIDDEN_MARKER not in page


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("x = 1\x00", 400, "NUL character"),
        ("x" * 100_001, 413, "longer than 100,000"),
        ("x='\u202e'", 302, ""),
    ],
)
def test_bad_code_on_the_form_is_a_clear_error(client, learner, exercise, code, status, message):
    client.force_login(learner)
    response = client.post(f"/exercises/{exercise.pk}/run/", {"kind": "examples", "code": code})
    assert response.status_code == status
    if message:
        assert message in response.content.decode()
        assert not Run.objects.exists()


def test_the_api_runs_the_examples_and_returns_each_result(learner, exercise, real_sandbox):
    client = api_client(learner)
    response = client.post(
        f"/api/v1/exercises/{exercise.pk}/runs/",
        {"kind": "examples", "code": REFERENCE},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["finished"], body["attempt_number"]) == ("pending", False, None)
    execution.run_execute(run_id=body["id"])
    result = client.get(f"/api/v1/exercise-runs/{body['id']}/").json()
    assert (result["finished"], result["tests_passed"], result["tests_total"]) == (True, 1, 1)
    assert result["tests"] == [
        {"name": "test_small_numbers", "description": "adds small numbers", "passed": True, "message": ""}
    ]
    assert result["code"] == REFERENCE


def test_the_api_never_shows_hidden_code_or_the_reference(learner, exercise, real_sandbox):
    client = api_client(learner)
    run = client.post(
        f"/api/v1/exercises/{exercise.pk}/runs/",
        {"kind": "submission", "code": WRONG},
        content_type="application/json",
    ).json()
    execution.run_execute(run_id=run["id"])
    bodies = [
        client.get(url).content.decode()
        for url in (
            "/api/v1/exercises/", f"/api/v1/exercises/{exercise.pk}/", f"/api/v1/exercise-runs/{run['id']}/",
            "/api/v1/exercise-runs/", f"/api/v1/exercises/{exercise.pk}/draft/",
        )
    ]  # fmt: skip
    assert not any(HIDDEN_MARKER in body or REFERENCE_MARKER in body for body in bodies)
    detail = client.get(f"/api/v1/exercises/{exercise.pk}/").json()
    assert detail["hidden_tests"] == 2
    assert "<script>" not in detail["prompt_html"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"kind": "examples"}, 400),
        ({"kind": "everything", "code": "x"}, 400),
        ({"kind": "examples", "code": "x\x00"}, 400),
        ({"kind": "examples", "code": "x = '\ud800'"}, 400),
        ({"kind": "examples", "code": ["x"]}, 400),
        ({"kind": "examples", "code": "x" * 100_001}, 413),
    ],
)
def test_the_api_refuses_bad_input_clearly(learner, exercise, body, status):
    response = api_client(learner).post(
        f"/api/v1/exercises/{exercise.pk}/runs/", body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert response.json()
    assert not Run.objects.exists()


def test_three_waiting_runs_then_429(learner, exercise):
    client = api_client(learner)
    statuses = [
        client.post(
            f"/api/v1/exercises/{exercise.pk}/runs/",
            {"kind": "examples", "code": "x = 1"},
            content_type="application/json",
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]


def test_no_attempts_left_is_a_400_with_the_reason(learner):
    exercise = make_exercise(max_attempts=1)
    client = api_client(learner)
    first = client.post(
        f"/api/v1/exercises/{exercise.pk}/runs/",
        {"kind": "submission", "code": "x"},
        content_type="application/json",
    )
    Run.objects.filter(pk=first.json()["id"]).update(
        status="done", passed=False, tests_passed=0, tests_total=2
    )
    second = client.post(
        f"/api/v1/exercises/{exercise.pk}/runs/",
        {"kind": "submission", "code": "x"},
        content_type="application/json",
    )
    assert second.status_code == 400
    assert "You have used your only attempt at this exercise." in str(second.json())


def test_the_draft_is_kept_over_the_api(learner, exercise):
    client = api_client(learner)
    url = f"/api/v1/exercises/{exercise.pk}/draft/"
    starter = client.get(url).json()
    assert starter["code"].startswith("def add(a, b):\n    # your code here")
    assert starter["updated_at"] is None  # no draft yet
    saved = client.put(url, {"code": "def add(a, b):\n    pass\n"}, content_type="application/json")
    assert saved.status_code == 200
    assert client.get(url).json() == saved.json()  # the draft and when it was kept (was always null)
    assert saved.json()["code"] == "def add(a, b):\n    pass\n"
    assert saved.json()["updated_at"]
    assert client.put(url, {"code": "x" * 100_001}, content_type="application/json").status_code == 413


def test_the_schema_documents_run_and_submit(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/exercises/{id}/runs/" in schema["paths"]
    assert "/api/v1/exercise-runs/{id}/" in schema["paths"]
    responses = schema["paths"]["/api/v1/exercises/{id}/runs/"]["post"]["responses"]
    assert {"201", "413", "429"} <= set(responses)


def test_the_mentor_sees_the_submissions_and_results_on_the_learners_page(client, learner, mentor, exercise):
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    run = (
        api_client(learner)
        .post(
            f"/api/v1/exercises/{exercise.pk}/runs/",
            {"kind": "submission", "code": WRONG},
            content_type="application/json",
        )
        .json()
    )
    Run.objects.filter(pk=run["id"]).update(
        status="done", tests_passed=1, tests_total=2, passed=False,
        tests=[{"name": "test_negative_numbers", "description": "adds negative numbers", "passed": False,
                "message": "adding two negative numbers goes wrong"}],
    )  # fmt: skip
    client.force_login(mentor)
    page = client.get(f"/mentoring/learners/{enrolment.pk}/").content.decode()
    assert f'href="/exercises/learners/{enrolment.pk}/"' in page
    listing = client.get(f"/exercises/learners/{enrolment.pk}/").content.decode()
    assert f"/exercises/runs/{run['id']}/" in listing
    assert "1/2 passed" in listing
    result = client.get(f"/exercises/runs/{run['id']}/").content.decode()
    assert "adding two negative numbers goes wrong" in result
    assert "abs(a) + abs(b)" in result  # the learner's code, for the mentor to read


def test_staff_check_an_exercise_from_admin(
    client, staff, exercise, real_sandbox, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):  # the sandbox tasks run here, eagerly
        response = client.post(
            "/admin/exercises/exercise/", {"action": "check_exercises", "_selected_action": [exercise.pk]}
        )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/exercises/exercise/{exercise.pk}/check/"
    page = client.get(response["Location"]).content.decode()
    assert page.count("as expected") == 2, page
    assert "2 of 2 hidden tests passed" in page  # the reference
    assert "0 of 2 hidden tests passed" in page  # the starter
