"""What every API endpoint shares: error bodies (and their schema), the service-error mapping."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView, exception_handler

from lms import idempotency
from lms.throttles import WriteRateThrottle

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY

IDEMPOTENCY_KEY = OpenApiParameter(
    name=idempotency.HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="Optional: a key of yours for this write (1-100 visible ASCII characters, e.g. a UUID). "
    "Sent again with the same key (a retry after a timeout), the request answers with the first result "
    "and saves nothing more.",
)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Services raise Django's ValidationError; the API answers it like a serializer error (400): messages
    by field, and those of no one field (a model's `__all__`) under "non_field_errors"."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        if NON_FIELD_ERRORS in detail:
            detail[NON_FIELD] = detail.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(detail=detail)
    return exception_handler(exc, context)


class ErrorSerializer(serializers.Serializer):
    """The body of every error but a validation error: `{"detail": "…"}`."""

    detail = serializers.CharField()


VALIDATION_ERROR = OpenApiResponse(
    response={
        "type": "object",
        "description": 'Messages by field, e.g. `{"start_date": ["Enter a valid date."]}`; errors that '
        'concern no single field are under "non_field_errors" (or "detail" for a malformed body).',
        "additionalProperties": {},
    },
    description="Invalid input; nothing was saved.",
)
NOT_AUTHENTICATED = OpenApiResponse(
    ErrorSerializer,
    description="No credentials, or a token that is invalid or revoked (`WWW-Authenticate: Token`).",
)
NOT_ALLOWED = OpenApiResponse(ErrorSerializer, description="Logged in, but not allowed to do this.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or not one of yours.")
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many writes: wait and retry.")

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
WITH_BODY = ("POST", "PUT", "PATCH")


class AutoSchema(SpectacularAutoSchema):
    """Documents the error answers each endpoint can give, next to its own success responses.

    - 401 everywhere: no credentials on a private endpoint, an invalid or revoked token on any endpoint;
    - 403 everywhere: callers without the role (a session without its CSRF token on a write);
    - 400 on writes and on filtered lists (field messages);
    - 404 on paths with an object in them and on paginated lists (`?page=` past the end);
    - 429 on throttled writes.
    Responses a view declares itself (`@extend_schema(responses={…})`) win over these.
    """

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        errors = {401: NOT_AUTHENTICATED, 403: NOT_ALLOWED}
        if self.method in WITH_BODY or getattr(self.view, "filterset_fields", None):
            errors[400] = VALIDATION_ERROR
        if "{" in self.path or (self.method == "GET" and self._is_list_view() and self._get_paginator()):
            errors[404] = NOT_FOUND
        if self.method in UNSAFE_METHODS and self._is_throttled():
            errors[429] = THROTTLED
        for code, error in errors.items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(error, str(code), direction=direction)
        return dict(sorted(responses.items()))

    def _is_throttled(self) -> bool:
        return any(issubclass(throttle, WriteRateThrottle) for throttle in self.view.throttle_classes)


def path_integers_are_natural(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Schema post-processing hook: Django's `<int:…>` converter matches digits only, so an integer in a
    path is never negative (a "-1" would not reach the API at all)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"].setdefault("minimum", 0)
    return result


# The index of /api/v1/: each section and its entry points (URL names of the apps' api_urls).
API_SECTIONS = {
    "auth": {"token": "api-token"},
    "curriculum": {"phases": "phase-list", "weeks": "week-list"},
    "me": {
        "enrolment": "api-my-enrolment",
        "schedule": "api-my-schedule",
        "progress": "api-my-progress",
        "certificates": "api-my-certificates",
        "portfolio": "api-my-portfolio",
        "notices": "api-notice-list",
        "notices_unread": "api-notice-unread-count",
    },
    "assessments": {"quizzes": "api-quiz-list", "submissions": "api-submission-list"},
    "mentor": {"learners": "api-mentee-list", "project_queue": "api-mentor-project-queue"},
    "projects": {"briefs": "api-project-list", "my_versions": "api-my-project-versions"},
    "exercises": {"exercises": "api-exercise-list", "runs": "api-exercise-run-list"},
    "staff": {"cohorts": "api-cohort-list", "invitations": "api-invitation-list"},
}


class ApiIndexView(APIView):
    """What the API offers: its sections with their URLs, and where the documentation is."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="The API's sections",
        responses={
            200: OpenApiResponse(
                response={"type": "object", "additionalProperties": {}},
                description='`{"docs": …, "schema": …, "sections": {"me": {"schedule": URL, …}, …}}`',
            )
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "docs": reverse("api-docs", request=request),
                "schema": reverse("api-schema", request=request),
                "sections": {
                    section: {name: reverse(url_name, request=request) for name, url_name in entries.items()}
                    for section, entries in API_SECTIONS.items()
                },
            }
        )
