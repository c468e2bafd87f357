"""Schemathesis against the live API: every operation of /api/schema/, as a learner and as a mentor.

Each operation gets a few generated requests (derandomized: the same ones every run), half of them
with the ids of real objects in the path (so that the happy paths run, not only 404s). Every answer
must be no server error, have a documented status code and content type, and match its schema.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessments import autograding
from assessments import services as assessment_services
from curriculum.models import Week
from lms.throttles import WriteRateThrottle
from notifications.services import notify
from progress import services as progress_services
from progress.models import Enrolment
from projects import services as project_services
from projects.models import Project
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.cards.conftest import card_for
from tests.factories import MentorFactory, UserFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def world(curriculum_tx) -> dict[str, Any]:
    """A learner enrolled with a mentor, some progress, a graded and a free-text submission waiting."""
    from django.utils import timezone

    learner = UserFactory(username="fuzz_learner")
    mentor = MentorFactory(username="fuzz_mentor")
    enrolment = progress_services.enrolment_create(
        learner=learner, start_date=timezone.now().date() - timezone.timedelta(days=21)
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(mentor=mentor)
    progress_services.week_progress_set(
        enrolment=enrolment, week=Week.objects.get(number=1), status="completed", notes="Done."
    )
    graded_quiz = make_quiz(week=2)
    graded = assessment_services.submission_create(
        learner=learner, quiz=graded_quiz, answers=perfect_answers(graded_quiz)
    )
    autograding.submission_grade(submission_id=graded.pk)
    quiz = make_quiz(week=3, free_text=True)
    waiting = assessment_services.submission_create(learner=learner, quiz=quiz, answers=perfect_answers(quiz))
    autograding.submission_grade(submission_id=waiting.pk)
    free_text = waiting.answers.get(question__kind="free_text")
    from credentials.services import phase_certificate_issue
    from curriculum.models import Phase

    learner.name = learner.name or "Ada Lovelace"  # a name to print: the certificate is issued at once
    learner.save(update_fields=["name"])
    certificate, _ = phase_certificate_issue(
        enrolment=enrolment, phase=Phase.objects.get(number=1), signed_by=mentor
    )
    notice = notify(
        recipient=learner, kind="week_feedback", key="fuzz:1", text="Well done.", link="/dashboard/",
        subject="Feedback", email_text="Well done.",
    )  # fmt: skip
    card = card_for(learner, graded_quiz)  # a review card (the cards app)
    version = project_services.draft_save(
        learner=learner, project=Project.objects.get(week__number=21), repository_url="https://github.com/a/b",
        commit="abc1234", report="# Report",
    )  # fmt: skip
    project_services.version_submit(learner=learner, version_id=version.pk)
    return {
        "learner": learner,
        "mentor": mentor,
        "ids": {
            "enrolment_id": enrolment.pk,
            "submission": waiting.pk,
            "answer_id": free_text.pk,
            "quiz": quiz.pk,
            "number": 3,
            "public_id": certificate.public_id,
            "notice_id": notice.pk,
            "card": card.pk,
            "version_id": version.pk,
            "project_id": version.project_id,
        },
    }


def real_path_parameters(path: str, ids: dict[str, Any]) -> dict[str, Any]:
    values = {"enrolment_id": ids["enrolment_id"], "answer_id": ids["answer_id"], "number": ids["number"]}
    values["public_id"] = ids["public_id"]
    values["notice_id"] = ids["notice_id"]
    values |= {"version_id": ids["version_id"], "project_id": ids["project_id"]}
    values["pk"] = ids["quiz"] if path.startswith("/api/v1/quizzes/") else ids["submission"]
    if "/cards/" in path:
        values["pk"] = ids["card"]
    if path.startswith("/api/v1/phases/") or "/phases/" in path:
        values["number"] = 1
    return {name: value for name, value in values.items() if "{" + name + "}" in path}


@pytest.fixture
def unthrottled(monkeypatch):
    """The fuzzer writes faster than any person: the write limits would answer 429s instead."""
    rates = {**WriteRateThrottle.THROTTLE_RATES, "writes": "100000/min", "tokens": "100000/min"}
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", rates)


def operations(schema: Any) -> Iterator[Any]:
    for result in schema.get_all_operations():
        yield result.ok()


def operation_test(strategy: Any, live_server: Any, user: Any, checks: list[Any], sent: list[int]) -> Any:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        # A fresh token each time: the fuzzer revokes it (DELETE /auth/token/) now and then.
        token, _ = Token.objects.get_or_create(user=user)
        sent.append(1)
        case.call_and_validate(
            base_url=live_server.url, headers={"Authorization": f"Token {token.key}"}, checks=checks
        )

    return run


def fuzz(
    live_server: Any, user: Any, ids: dict[str, Any], mode: GenerationMode
) -> tuple[dict[str, int], list[str]]:
    """Run every operation; returns the number of requests sent per operation and the failures.

    Positive mode sends requests that the schema allows (all checks); negative mode sends ones that
    it does not (only: no server error; such requests may stop before the API, e.g. at the URL).
    """
    checks = CHECKS if mode == GenerationMode.POSITIVE else [not_a_server_error]
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    counts: dict[str, int] = {}
    failures: list[str] = []
    for operation in operations(schema):
        real = real_path_parameters(operation.path, ids)
        strategy = operation.as_strategy(generation_mode=mode)
        if real and mode == GenerationMode.POSITIVE:
            strategy = st.one_of(strategy, operation.as_strategy(path_parameters=real))
        label = f"{operation.method.upper()} {operation.path}"
        sent: list[int] = []
        try:
            operation_test(strategy, live_server, user, checks, sent)()
        except Unsatisfiable:  # negative mode, an operation without inputs: nothing can be invalid
            pass
        except (
            Exception,
            BaseExceptionGroup,
        ) as error:  # report every operation's failure, not only the first
            failures.append(f"{label}: {error}")
        counts[label] = len(sent)
    return counts, failures


@pytest.mark.parametrize("role", ["learner", "mentor"])
def test_the_api_keeps_to_its_schema(live_server, world, unthrottled, role):
    """Zero server errors and zero responses that the schema does not describe."""
    counts, failures = fuzz(live_server, world[role], world["ids"], GenerationMode.POSITIVE)
    print(f"\n{role}: {len(counts)} operations, {sum(counts.values())} requests, {len(failures)} failures")
    assert not failures, "\n\n".join(failures)
    assert len(counts) >= 25
    assert all(counts.values()), counts


def test_invalid_requests_are_never_server_errors(live_server, world, unthrottled):
    counts, failures = fuzz(live_server, world["mentor"], world["ids"], GenerationMode.NEGATIVE)
    print(f"\ninvalid: {len([c for c in counts.values() if c])} operations, {sum(counts.values())} requests")
    assert not failures, "\n\n".join(failures)
    assert sum(counts.values()) > 100


# Bodies that a JSON parser reads but no field can hold, sent to every operation that takes a JSON body.
MALFORMED_BODIES = {
    "nested 2,000 deep": "[" * 2000 + "]" * 2000,
    "an object nested 2,000 deep": '{"a":' * 2000 + "1" + "}" * 2000,
    "nested 100 deep in a field": '{"quiz": 1, "answers": {"1": ' + "[" * 100 + "]" * 100 + "}}",
    "a number beyond a float": '{"quiz": 1e400, "answers": {}, "week": 1e400, "pace": -1e400}',
    "an integer of 400 digits": '{"quiz": 1' + "0" * 400 + ', "answers": {}}',
}


def test_malformed_bodies_to_every_json_operation_are_documented_400s(live_server, world, unthrottled):
    """Every operation of the schema that takes a JSON body, sent each malformed shape (with real ids
    in the path): a 4xx that the schema documents, never a server error."""
    import requests

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    token, _ = Token.objects.get_or_create(user=world["mentor"])
    failures, sent = [], 0
    for operation in operations(schema):
        if "application/json" not in operation.get_request_payload_content_types():
            continue
        real = {
            name: str(value) for name, value in real_path_parameters(operation.path, world["ids"]).items()
        }
        path = re.sub(r"{(\w+)}", lambda match, real=real: real.get(match.group(1), "1"), operation.path)
        for name, body in MALFORMED_BODIES.items():
            response = requests.request(
                operation.method.upper(),
                live_server.url + path,
                data=body,
                headers={"Authorization": f"Token {token.key}", "Content-Type": "application/json"},
                timeout=30,
            )
            sent += 1
            documented = operation.definition.raw.get("responses", {})
            if response.status_code >= 500 or str(response.status_code) not in documented:
                failures.append(f"{operation.method.upper()} {path} with {name}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert sent >= 5 * len(MALFORMED_BODIES)
