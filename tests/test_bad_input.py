"""Bad input to forms and API: oversize text, wrong types, invalid dates, other users' ids.

Each case is refused with a clear message (or a 404 for somebody else's object), never a 500, and
writes nothing. A property-based test feeds random answer payloads to submission validation.
"""

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import autograding
from assessments import services as assessment_services
from assessments.models import Answer, Question, Submission
from mentoring.models import PhaseReview, WeekFeedback
from mentoring.services import mentees_assign
from progress.models import Enrolment, WeekProgress
from progress.services import enrolment_create
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.factories import UserFactory

LONG = "x" * 10_001
DEEP = "[" * 2000 + "]" * 2000  # Python's parser gives up (RecursionError) near 1,000 levels


class Raw(str):
    """A request body sent as it is (not a value to encode as JSON)."""


@dataclass
class World:
    enrolment: Enrolment
    other_enrolment: Enrolment
    quiz: Any
    questions: dict[str, Question]
    submission: Submission  # the learner's, waiting for a mentor's review
    other_submission: Submission
    users: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(learner, other_learner, mentor, other_mentor, staff) -> World:
    today = timezone.now().date()
    enrolment = enrolment_create(learner=learner, start_date=today)
    other = enrolment_create(learner=other_learner, start_date=today)
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    mentees_assign(mentor=other_mentor, enrolment_ids=[other.pk])
    quiz = make_quiz(week=3, free_text=True, max_attempts=50)
    submissions = []
    for user in (learner, other_learner):
        submission = assessment_services.submission_create(
            learner=user, quiz=quiz, answers=perfect_answers(quiz)
        )
        autograding.submission_grade(submission_id=submission.pk)
        submissions.append(submission)
    users = {
        "learner": learner,
        "other_learner": other_learner,
        "mentor": mentor,
        "staff": staff,
        "newcomer": UserFactory(username="newcomer"),
    }
    questions = {q.kind: q for q in quiz.questions.prefetch_related("choices")}
    return World(enrolment, other, quiz, questions, submissions[0], submissions[1], users)


def free_text_answer(world: World, submission: Submission) -> Answer:
    return Answer.objects.get(submission=submission, question__kind="free_text")


def quiz_post(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {}
    for question_id, value in perfect_answers(world.quiz).items():
        data[f"question_{question_id}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    for kind, value in changes.items():
        data[f"question_{world.questions[kind].pk}"] = value
    return data


def review_post(answer: Answer, points: object, feedback: str = "") -> dict[str, object]:
    return {
        "answer_id": answer.pk,
        f"answer-{answer.pk}-points": points,
        f"answer-{answer.pk}-feedback": feedback,
    }


@dataclass(frozen=True)
class Case:
    role: str
    method: str
    url: Any  # str, or a function of the world
    data: Any  # dict, or a function of the world
    status: int
    message: str = ""  # shown on the page or in the JSON body

    def resolve(self, world: World) -> tuple[str, Any]:
        url = self.url(world) if callable(self.url) else self.url
        data = self.data(world) if callable(self.data) else self.data
        return url, data


SUB = "/api/v1/submissions/"
CASES = {
    # Enrolling: dates, paces and time zones.
    "enrol: an impossible date": Case(
        "newcomer",
        "POST",
        "/enrol/",
        {"start_date": "2026-02-30", "pace": "1", "timezone": "UTC"},
        400,
        "Enter a valid date.",
    ),
    "enrol: a date years away": Case(
        "newcomer",
        "POST",
        "/enrol/",
        {"start_date": "2031-01-05", "pace": "1", "timezone": "UTC"},
        400,
        "Choose a start date within a year of today.",
    ),
    "enrol: a pace not offered": Case(
        "newcomer",
        "POST",
        "/enrol/",
        {"start_date": "2026-11-30", "pace": "7", "timezone": "UTC"},
        400,
        "Select a valid choice.",
    ),
    "enrol: an unknown time zone": Case(
        "newcomer",
        "POST",
        "/enrol/",
        {"start_date": "2026-11-30", "pace": "1", "timezone": "Mars/Olympus"},
        400,
        "Select a valid choice.",
    ),
    "enrol: oversize date text": Case(
        "newcomer",
        "POST",
        "/enrol/",
        {"start_date": LONG, "pace": "1", "timezone": "UTC"},
        400,
        "Enter a valid date.",
    ),
    "api enrol: an impossible date": Case(
        "newcomer",
        "POST",
        "/api/v1/me/enrolment/",
        {"start_date": "2026-02-30"},
        400,
        "Date has wrong format",
    ),
    "api enrol: a pace of the wrong type": Case(
        "newcomer",
        "POST",
        "/api/v1/me/enrolment/",
        {"start_date": "2026-11-30", "pace": [1]},
        400,
        "A valid number is required.",
    ),
    "api enrol: a pace out of range": Case(
        "newcomer",
        "POST",
        "/api/v1/me/enrolment/",
        {"start_date": "2026-11-30", "pace": "5"},
        400,
        "less than or equal to 2",
    ),
    "api enrol: a number as time zone": Case(
        "newcomer",
        "POST",
        "/api/v1/me/enrolment/",
        {"start_date": "2026-11-30", "timezone": 123},
        400,
        "is not a known time zone",
    ),
    "api enrol: an oversize time zone": Case(
        "newcomer",
        "POST",
        "/api/v1/me/enrolment/",
        {"start_date": "2026-11-30", "timezone": LONG},
        400,
        "no more than 64 characters",
    ),
    # Week progress and settings.
    "week: oversize notes": Case(
        "learner", "POST", "/my/weeks/3/", {"status": "in_progress", "notes": LONG}, 400, "at most 10000"
    ),
    "week: an unknown status": Case(
        "learner", "POST", "/my/weeks/3/", {"status": "done"}, 400, "Select a valid choice."
    ),
    "week: a week that does not exist": Case(
        "learner", "POST", "/my/weeks/99/", {"status": "completed"}, 404
    ),
    "api week: oversize notes": Case(
        "learner", "PATCH", "/api/v1/me/progress/3/", {"notes": LONG}, 400, "no more than 10000"
    ),
    "api week: a status of the wrong type": Case(
        "learner", "PATCH", "/api/v1/me/progress/3/", {"status": ["completed"]}, 400, "is not a valid choice"
    ),
    "api week: a week that does not exist": Case(
        "learner", "PATCH", "/api/v1/me/progress/99/", {"status": "completed"}, 404
    ),
    "settings: an unknown time zone and cadence": Case(
        "learner",
        "POST",
        "/settings/",
        {"timezone": "Nowhere", "reminder_cadence": "hourly"},
        400,
        "Select a valid choice.",
    ),
    # Quizzes.
    "quiz: oversize free text": Case(
        "learner",
        "POST",
        "/quizzes/week/3/",
        lambda w: quiz_post(w, free_text="y" * 5001),
        400,
        "at most 5000",
    ),
    "quiz: text for a number": Case(
        "learner",
        "POST",
        "/quizzes/week/3/",
        lambda w: quiz_post(w, numeric="forty-two"),
        400,
        "Enter a number, like 0.5 or -3.",
    ),
    "quiz: a number too large to grade": Case(
        "learner",
        "POST",
        "/quizzes/week/3/",
        lambda w: quiz_post(w, numeric="1e9999999"),
        400,
        "Enter a number, like 0.5 or -3.",
    ),
    "quiz: another question's choice": Case(
        "learner",
        "POST",
        "/quizzes/week/3/",
        lambda w: quiz_post(w, single=str(w.questions["multiple"].choices.first().pk)),
        400,
        "Select a valid choice.",
    ),
    "api submit: answers as a list": Case(
        "learner", "POST", SUB, lambda w: {"quiz": w.quiz.pk, "answers": [1, 2]}, 400, "Expected a dictionary"
    ),
    "api submit: a quiz id of the wrong type": Case(
        "learner", "POST", SUB, {"quiz": "week three", "answers": {}}, 400, "Incorrect type"
    ),
    "api submit: a quiz that does not exist": Case(
        "learner", "POST", SUB, {"quiz": 99999999, "answers": {}}, 400, "does not exist"
    ),
    "api submit: oversize free text": Case(
        "learner",
        "POST",
        SUB,
        lambda w: {
            "quiz": w.quiz.pk,
            "answers": {**perfect_answers(w.quiz), w.questions["free_text"].pk: "y" * 5001},
        },
        400,
        "Keep the answer under 5000 characters",
    ),
    "api submit: a number too large to grade": Case(
        "learner",
        "POST",
        SUB,
        lambda w: {
            "quiz": w.quiz.pk,
            "answers": {**perfect_answers(w.quiz), w.questions["numeric"].pk: "1e9999999"},
        },
        400,
        "Enter a number",
    ),
    "api submit: a question of another quiz": Case(
        "learner",
        "POST",
        SUB,
        lambda w: {
            "quiz": w.quiz.pk,
            "answers": {**perfect_answers(w.quiz), Question.objects.exclude(quiz=w.quiz).first().pk: 1},
        },
        400,
        "is not part of this quiz",
    ),
    "api: another learner's submission": Case(
        "learner", "GET", lambda w: f"{SUB}{w.other_submission.pk}/", None, 404
    ),
    "page: another learner's submission": Case(
        "learner", "GET", lambda w: f"/quizzes/submissions/{w.other_submission.pk}/", None, 404
    ),
    # A mentor's review, feedback and phase reviews.
    "review: points that are not a number": Case(
        "mentor",
        "POST",
        lambda w: f"/quizzes/submissions/{w.submission.pk}/review/",
        lambda w: review_post(free_text_answer(w, w.submission), "lots"),
        400,
        "Enter a number.",
    ),
    "review: more points than the question has": Case(
        "mentor",
        "POST",
        lambda w: f"/quizzes/submissions/{w.submission.pk}/review/",
        lambda w: review_post(free_text_answer(w, w.submission), "99"),
        400,
        "less than or equal to 4",
    ),
    "review: oversize feedback": Case(
        "mentor",
        "POST",
        lambda w: f"/quizzes/submissions/{w.submission.pk}/review/",
        lambda w: review_post(free_text_answer(w, w.submission), "2", "z" * 5001),
        400,
        "at most 5000",
    ),
    "review: an answer of another learner's submission": Case(
        "mentor",
        "POST",
        lambda w: f"/quizzes/submissions/{w.submission.pk}/review/",
        lambda w: review_post(free_text_answer(w, w.other_submission), "2"),
        404,
    ),
    "review: a submission of somebody else's mentee": Case(
        "mentor",
        "POST",
        lambda w: f"/quizzes/submissions/{w.other_submission.pk}/review/",
        lambda w: review_post(free_text_answer(w, w.other_submission), "2"),
        404,
    ),
    "feedback: oversize text": Case(
        "mentor",
        "POST",
        lambda w: f"/mentoring/learners/{w.enrolment.pk}/weeks/3/feedback/",
        {"body": "z" * 5001},
        302,
    ),
    "feedback: a week that does not exist": Case(
        "mentor",
        "POST",
        lambda w: f"/mentoring/learners/{w.enrolment.pk}/weeks/99/feedback/",
        {"body": "Hi"},
        404,
    ),
    "feedback: somebody else's mentee": Case(
        "mentor",
        "POST",
        lambda w: f"/mentoring/learners/{w.other_enrolment.pk}/weeks/3/feedback/",
        {"body": "Hi"},
        404,
    ),
    "phase review: an unknown decision": Case(
        "mentor",
        "POST",
        lambda w: f"/mentoring/learners/{w.enrolment.pk}/phases/1/review/",
        {"decision": "maybe"},
        302,
    ),
    "api feedback: oversize text": Case(
        "mentor",
        "POST",
        lambda w: f"/api/v1/mentor/learners/{w.enrolment.pk}/feedback/",
        {"week": 3, "body": "z" * 5001},
        400,
        "no more than 5000",
    ),
    "api feedback: a week of the wrong type": Case(
        "mentor",
        "POST",
        lambda w: f"/api/v1/mentor/learners/{w.enrolment.pk}/feedback/",
        {"week": "third", "body": "Hi"},
        400,
        "A valid integer is required.",
    ),
    "api feedback: a week that does not exist": Case(
        "mentor",
        "POST",
        lambda w: f"/api/v1/mentor/learners/{w.enrolment.pk}/feedback/",
        {"week": 99, "body": "Hi"},
        400,
        "The curriculum has no week 99.",
    ),
    "api feedback: somebody else's mentee": Case(
        "mentor",
        "POST",
        lambda w: f"/api/v1/mentor/learners/{w.other_enrolment.pk}/feedback/",
        {"week": 3, "body": "Hi"},
        404,
    ),
    "api phase review: an unknown decision": Case(
        "mentor",
        "POST",
        lambda w: f"/api/v1/mentor/learners/{w.enrolment.pk}/phases/1/review/",
        {"decision": "maybe"},
        400,
        "is not a valid choice",
    ),
    "api phase review: a phase that does not exist": Case(
        "mentor",
        "POST",
        lambda w: f"/api/v1/mentor/learners/{w.enrolment.pk}/phases/9/review/",
        {"decision": "returned", "comments": "Redo."},
        404,
    ),
    # Malformed shapes (security probe): numbers too large for a float, absurd nesting, NUL bytes.
    "api submit: a quiz id too large for a float": Case(
        "learner", "POST", SUB, Raw('{"quiz": 1e400, "answers": {}}'), 400, "too large"
    ),
    "api submit: a negative quiz id too large for a float": Case(
        "learner", "POST", SUB, Raw('{"quiz": -1e400, "answers": {}}'), 400, "too large"
    ),
    "api submit: JSON nested 2,000 deep": Case(
        "learner", "POST", SUB, Raw(f'{{"quiz": 1, "answers": {DEEP}}}'), 400, "nested deeper than"
    ),
    "api submit: answers nested 40 deep": Case(
        "learner",
        "POST",
        SUB,
        lambda w: Raw(f'{{"quiz": {w.quiz.pk}, "answers": {{"1": {"[" * 40}{"]" * 40}}}}}'),
        400,
        "nested deeper than",
    ),
    "api token: JSON nested 2,000 deep (no log-in needed)": Case(
        "anonymous", "POST", "/api/v1/auth/token/", Raw(DEEP), 400, "nested deeper than"
    ),
    "api token: an object nested 2,000 deep": Case(
        "anonymous", "POST", "/api/v1/auth/token/", Raw('{"a":' * 2000 + "1" + "}" * 2000), 400, "nested"
    ),
    "api enrol: a pace too large for a float": Case(
        "newcomer", "POST", "/api/v1/me/enrolment/", Raw('{"start_date": "2026-11-30", "pace": 1e999}'), 400
    ),
    "api week: JSON nested 2,000 deep": Case(
        "learner", "PATCH", "/api/v1/me/progress/3/", Raw(DEEP), 400, "nested deeper than"
    ),
    "calendar: a NUL byte in the token": Case(
        "anonymous", "GET", lambda w: f"/calendar/{w.enrolment.calendar_token}%00.ics", None, 404
    ),
    "unsubscribe: a NUL byte in the token": Case(
        "anonymous", "GET", "/reminders/unsubscribe/1:abc%00/", None, 400
    ),
    "confirm e-mail: a NUL byte in the key": Case(
        "anonymous", "GET", "/accounts/confirm-email/abc%00/", None, 404
    ),
    # Query strings.
    "mentor dashboard: unknown sort, flag and page": Case(
        "mentor", "GET", "/mentoring/?sort=drop%20table&flag=%00&page=-3", None, 200
    ),
    "mentor CSV: unknown sort and flag": Case(
        "mentor", "GET", "/mentoring/mentees.csv?sort=x&flag=y", None, 200
    ),
    "api mentees: unknown sort and flag": Case(
        "mentor", "GET", "/api/v1/mentor/learners/?sort=x&flag=y", None, 200
    ),
    "api quizzes: a week that is not a number": Case(
        "learner", "GET", "/api/v1/quizzes/?week=three", None, 200
    ),
    "submissions: a page that is not a number": Case(
        "learner", "GET", "/quizzes/submissions/?page=last", None, 200
    ),
}

WRITTEN = (Enrolment, WeekProgress, Submission, Answer, WeekFeedback, PhaseReview)


def answer(client: Client, case: Case, url: str, data: Any) -> tuple[int, str]:
    if case.method == "GET":
        response = client.get(url)
    elif url.startswith("/api/"):
        body = data if isinstance(data, Raw) else json.dumps(data)
        response = client.generic(case.method, url, body, content_type="application/json")
    elif case.status == 302:  # refused with a message on the page it sends back to
        response = client.post(url, data, follow=True)
        return response.redirect_chain[0][1], response.content.decode()
    else:
        response = client.post(url, data)
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_bad_input_is_refused_with_a_clear_message_and_writes_nothing(world):
    """One test over the table (the fixture's users cost more than the requests): each case runs in a
    savepoint that is rolled back, and failures are reported together, by case name."""
    clients = {role: Client(raise_request_exception=False) for role in world.users}
    for role, client in clients.items():
        client.force_login(world.users[role])
    clients["anonymous"] = Client(raise_request_exception=False)
    wrong = []
    for name, case in CASES.items():
        url, data = case.resolve(world)
        with transaction.atomic():
            counts = {model: model.objects.count() for model in WRITTEN}
            status, content = answer(clients[case.role], case, url, data)
            if status != case.status:
                wrong.append(f"{name}: expected {case.status}, got {status}: {content[:300]}")
            elif case.message and case.message not in content:
                wrong.append(f"{name}: no {case.message!r} in the answer: {content[:300]}")
            elif case.method != "GET" and {model: model.objects.count() for model in WRITTEN} != counts:
                wrong.append(f"{name}: rows were written")
            transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


def test_refused_mentor_forms_say_why(world):
    client = Client()
    client.force_login(world.users["mentor"])
    page = client.post(
        f"/mentoring/learners/{world.enrolment.pk}/weeks/3/feedback/", {"body": "z" * 5001}, follow=True
    ).content.decode()
    assert "Feedback not saved: Ensure this value has at most 5000 characters" in page
    page = client.post(
        f"/mentoring/learners/{world.enrolment.pk}/phases/1/review/", {"decision": "maybe"}, follow=True
    ).content.decode()
    assert "Select a valid choice." in page


# --- Random answer payloads --------------------------------------------------------------------

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals(allow_nan=True)
    | st.text(max_size=30)
    | st.text(alphabet="0123456789", min_size=1, max_size=25)
    | st.sampled_from(["", " ", "\x00", "\ud800", "1e9999999", "-0", "NaN", "Infinity", "٣", "³", "x" * 5001])
)


def payloads(ids: list[int]) -> st.SearchStrategy:
    """Anything JSON-ish, mixed with the quiz's real question and choice ids (as ints and strings)."""
    real_ids = st.sampled_from(ids) | st.sampled_from([str(i) for i in ids])
    leaves = json_leaves | real_ids
    values = st.recursive(
        leaves,
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=5) | real_ids, children, max_size=4),
        max_leaves=8,
    )
    answer_maps = st.dictionaries(real_ids | st.text(max_size=5) | st.integers(), values, max_size=8)
    return answer_maps | values


def quiz_ids(world: World) -> list[int]:
    ids = list(world.quiz.questions.values_list("id", flat=True))
    return ids + [choice.pk for question in world.questions.values() for choice in question.choices.all()]


@pytest.mark.django_db
def test_random_answer_payloads_are_valid_or_refused_with_a_validation_error(world, learner):
    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(answers=payloads(quiz_ids(world)))
    def check(answers: Any) -> None:
        before = (Submission.objects.count(), Answer.objects.count())
        try:
            assessment_services.submission_create(learner=learner, quiz=world.quiz, answers=answers)
        except ValidationError as error:
            refused = error
        else:
            refused = None
        try:
            if refused is not None:
                assert refused.messages
                assert (Submission.objects.count(), Answer.objects.count()) == before
        finally:
            Submission.objects.filter(learner=learner).exclude(pk=world.submission.pk).delete()

    check()


@pytest.mark.django_db
def test_random_answer_payloads_to_the_api_get_201_or_400(world, learner):
    client = Client(raise_request_exception=False)
    client.force_login(learner)

    @settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(answers=payloads(quiz_ids(world)), quiz=st.sampled_from([world.quiz.pk, "x", None, -1, [1]]))
    def check(answers: Any, quiz: Any) -> None:
        cache.clear()  # the write throttle
        before = (Submission.objects.count(), Answer.objects.count())
        body = json.dumps({"quiz": quiz, "answers": answers}, default=str)
        response = client.post(SUB, body, content_type="application/json")
        assert response.status_code in (201, 400), (response.status_code, body[:500], response.content[:500])
        if response.status_code == 400:
            assert response.json()
            assert (Submission.objects.count(), Answer.objects.count()) == before
        Submission.objects.filter(learner=learner).exclude(pk=world.submission.pk).delete()

    check()


# Shapes a JSON parser accepts but no field can hold: numbers beyond a float, nesting beyond reason.
huge_numbers = st.sampled_from(["1e400", "-1e400", "1E309", "123456789e999", "1" + "0" * 400, "2e-99999"])
nestings = st.integers(min_value=1, max_value=3000).map(lambda depth: "[" * depth + "]" * depth)
objects = st.integers(min_value=1, max_value=3000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth)
malformed_values = huge_numbers | nestings | objects | st.integers().map(str)


@pytest.mark.django_db
def test_malformed_json_to_any_json_endpoint_is_a_400_never_a_500(world, learner):
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    endpoints = [
        ("POST", SUB, '{{"quiz": {0}, "answers": {{"{1}": {0}}}}}'),
        ("POST", SUB, '{{"quiz": ' + str(world.quiz.pk) + ', "answers": {{"1": {0}, "2": {1}}}}}'),
        ("PATCH", "/api/v1/me/progress/3/", '{{"status": {0}, "notes": {1}}}'),
        ("POST", "/api/v1/auth/token/", '{{"email": {0}, "password": {1}}}'),
        ("POST", "/api/v1/auth/token/", "{0}"),
    ]

    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(
        endpoint=st.sampled_from(endpoints),
        first=malformed_values,
        second=malformed_values | st.text(max_size=5).map(json.dumps),
    )
    def check(endpoint: tuple[str, str, str], first: str, second: str) -> None:
        cache.clear()  # the write throttle
        method, url, template = endpoint
        body = template.format(first, second)
        response = client.generic(method, url, body, content_type="application/json")
        assert response.status_code in (200, 201, 400), (response.status_code, body[:200])
        assert response.json()
        Submission.objects.filter(learner=learner).exclude(pk=world.submission.pk).delete()

    check()
