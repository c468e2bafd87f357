"""The API's write throttles. Their counts live in the shared cache through lms.fallback_cache: while
Redis is down they count in each web process instead (the request goes through, limited per process),
never a 500."""

import time
from typing import TYPE_CHECKING

from rest_framework.throttling import UserRateThrottle

from lms.fallback_cache import fallback_cache

if TYPE_CHECKING:  # importing DRF's views here would be circular: APIView reads this setting
    from rest_framework.request import Request
    from rest_framework.views import APIView


class WriteRateThrottle(UserRateThrottle):
    """Limits unsafe requests per user (or IP); reads are not throttled."""

    scope = "writes"
    cache = fallback_cache  # type: ignore[assignment]

    def timer(self) -> float:
        # DRF keeps `timer = time.time` as a class attribute, which time-freezing tools replace with a
        # plain function that then receives `self`: calling time.time here works either way.
        return time.time()

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class TokenRateThrottle(WriteRateThrottle):
    """Limits token requests (e-mail and password checks) per caller: slows down password guessing."""

    scope = "tokens"
