"""Response headers for what holds personal data (wiring: no app's rules live here)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

API_PREFIX = "/api/"


class PrivateResponsesMiddleware:
    """Nothing personal is kept by a shared cache or the browser's disk cache:

    - every response to a logged-in user (pages, the settings page with the secret calendar URL, CSV
      downloads) and every API response to a request with credentials (a session or a token) is
      `Cache-Control: private, no-store`, unless the view said otherwise;
    - API responses vary by `Authorization` (token callers see their own data), as by `Cookie`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_api = request.path.startswith(API_PREFIX)
        user = getattr(request, "user", None)
        personal = bool(user and user.is_authenticated) or (is_api and "HTTP_AUTHORIZATION" in request.META)
        if personal and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        if is_api:
            patch_vary_headers(response, ["Authorization"])
        return response
