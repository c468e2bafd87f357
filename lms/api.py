"""What every API endpoint shares: error bodies (and their schema), the service-error mapping."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from lms.throttles import WriteRateThrottle

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


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
NOT_ALLOWED = OpenApiResponse(
    ErrorSerializer, description="Not logged in, an invalid token, or not allowed to do this."
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or not one of yours.")
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many writes: wait and retry.")

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
WITH_BODY = ("POST", "PUT", "PATCH")


class AutoSchema(SpectacularAutoSchema):
    """Documents the error answers each endpoint can give, next to its own success responses.

    - 403 everywhere: anonymous callers of private endpoints, invalid tokens on any endpoint (session
      authentication comes first, so DRF answers 403 rather than 401), callers without the role;
    - 400 on writes and on filtered lists (field messages);
    - 404 on paths with an object in them and on paginated lists (`?page=` past the end);
    - 429 on throttled writes.
    Responses a view declares itself (`@extend_schema(responses={…})`) win over these.
    """

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        errors = {403: NOT_ALLOWED}
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
