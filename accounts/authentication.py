"""The API's token authentication: the audit trail's actor (lms.audit) and the person's own time zone
and language, as accounts.middleware.PersonLocaleMiddleware activates them for sessions (DRF
authenticates a token after every middleware has run; that middleware resets the zone when the
request ends)."""

from typing import Any

from rest_framework.request import Request

from accounts.middleware import person_locale_activate
from lms.audit import AuditedTokenAuthentication


class PersonTokenAuthentication(AuditedTokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            person_locale_activate(request._request, result[0])
        return result
