"""The audit trail's actor for API clients that authenticate with a token.

django-auditlog's middleware names the request's user as the actor of every audited change, but it
runs before Django REST framework authenticates a token (only session users are known by then), so a
script's changes through the API would have no actor. This authentication class names it.
"""

from typing import Any

from auditlog.context import auditlog_value
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request


class AuditedTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            try:
                context = auditlog_value.get()  # set by AuditlogMiddleware for this request
            except LookupError:
                return result
            if context.get("actor") is None:
                context["actor"] = result[0]
        return result
