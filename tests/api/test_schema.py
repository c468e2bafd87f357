"""The OpenAPI schema: generated without a warning, valid, and every operation documents its answers."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture
def schema(tmp_path):
    """What `manage.py spectacular --validate --fail-on-warn` writes; it raises on any warning."""
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_schema_generates_without_warnings_and_validates(schema):
    assert schema["openapi"].startswith("3.")
    assert len(list(operations(schema))) >= 25


def test_every_operation_documents_its_success_and_its_refusals(schema):
    for name, operation in operations(schema):
        codes = set(operation["responses"])
        assert codes & {"200", "201", "204"}, name
        assert "403" in codes, name
        if name.startswith(("POST", "PATCH", "PUT")):
            assert {"400", "429"} <= codes, name
            # Actions that take no body: re-plan, leave, submit a version, start a data export, resend or
            # revoke an invitation.
            assert "requestBody" in operation or name.endswith(
                ("/replan/", "/leave/", "/submit/", "/data-exports/", "/resend/", "/revoke/")
            ), name
        if "{" in name:
            assert "404" in codes, name
        for code, response in operation["responses"].items():
            if (name, code) in FILE_DOWNLOADS:
                assert set(response["content"]) == {FILE_DOWNLOADS[(name, code)]}, f"{name} {code}"
            elif code == "200" and "application/octet-stream" in response["content"]:
                continue  # a file download (GET /api/v1/attachments/{id}/); its errors are JSON
            elif code != "204":
                assert "application/json" in response["content"], f"{name} {code}"


FILE_DOWNLOADS = {("POST /api/v1/me/data-exports/download/", "200"): "application/zip"}
"""Answers that are files, not JSON: the export's zip (its refusals are JSON)."""


FILE_UPLOADS = {"POST /api/v1/me/project-versions/{version_id}/attachments/"}


def test_requests_are_json_only(schema):
    for name, operation in operations(schema):
        if "requestBody" in operation:
            expected = {"multipart/form-data"} if name in FILE_UPLOADS else {"application/json"}
            assert set(operation["requestBody"]["content"]) == expected, name


def test_the_endpoints_of_the_issue_are_all_there(schema):
    names = {name for name, _ in operations(schema)}
    assert {
        "POST /api/v1/auth/token/",
        "DELETE /api/v1/auth/token/",
        "GET /api/v1/phases/",
        "GET /api/v1/weeks/{number}/",
        "GET /api/v1/me/enrolment/",
        "POST /api/v1/me/enrolment/",
        "POST /api/v1/me/enrolment/replan/",
        "GET /api/v1/me/schedule/",
        "GET /api/v1/me/progress/",
        "PATCH /api/v1/me/progress/{number}/",
        "GET /api/v1/quizzes/",
        "GET /api/v1/quizzes/{id}/",
        "POST /api/v1/submissions/",
        "GET /api/v1/submissions/",
        "GET /api/v1/submissions/{id}/",
        "POST /api/v1/submissions/{id}/answers/{answer_id}/review/",
        "GET /api/v1/mentor/learners/",
        "GET /api/v1/mentor/learners/{enrolment_id}/schedule/",
        "GET /api/v1/mentor/learners/{enrolment_id}/progress/",
        "GET /api/v1/mentor/learners/{enrolment_id}/submissions/",
        "POST /api/v1/mentor/learners/{enrolment_id}/feedback/",
    } <= names


def test_no_answer_key_field_in_quiz_schemas(schema):
    components = schema["components"]["schemas"]
    for name in ("Quiz", "Question", "Choice"):
        properties = set(components[name]["properties"])
        assert not properties & {"is_correct", "explanation", "accepted_answers", "numeric_answer"}, name
