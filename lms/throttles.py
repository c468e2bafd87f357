import time
from typing import TYPE_CHECKING

from rest_framework.throttling import UserRateThrottle

if TYPE_CHECKING:  # importing DRF's views here would be circular: APIView reads this setting
    from rest_framework.request import Request
    from rest_framework.views import APIView


class WriteRateThrottle(UserRateThrottle):
    """Limits unsafe requests per user (or IP); reads are not throttled."""

    scope = "writes"

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
