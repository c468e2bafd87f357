"""Request wiring for sign-in: the second factor staff and mentors must enrol, the identity providers
a sign-in form may be sent on to, and a person's own time zone and language for their requests
(lms.locale does it for what is rendered for them outside a request: e-mails, PDFs)."""

from collections.abc import Callable
from typing import Any

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.second_factor import second_factor_missing
from accounts.social import identity_provider_origins
from lms.locale import zone_of

# What a user who must enrol a second factor may still open: the set-up itself (allauth.mfa's pages,
# and the re-authentication they may ask for), logging out, confirming an e-mail address, probes.
SET_UP_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_confirm_email",
        "account_email_verification_sent",
        "healthz",
        "ping",
        "favicon",
        "javascript-catalog",
    }
)


class SecondFactorRequiredMiddleware:
    """Sends staff and mentors without a second factor to its set-up (`accounts.second_factor`), from
    every page (mentor pages and admin included) and refuses them the API with a 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = (match.url_name or "") if match and not match.namespaces else ""
        # allauth.mfa's own pages (not admin's "mfa_authenticator_…": those are in the admin namespace).
        if name.startswith("mfa_") or name in SET_UP_URL_NAMES:
            return None
        if not second_factor_missing(request.user):
            return None
        text = gettext(
            "Set up two-factor authentication first: staff and mentors sign in with a second factor."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": text}, status=403)
        messages.warning(request, text)
        return redirect("mfa_index")


class IdentityProviderMiddleware:
    """The sign-in pages' forms (log in with GitHub, Google, your organisation; connect one in
    Settings) are answered by a redirect to the identity provider, which the Content-Security-Policy's
    `form-action` must allow: the configured providers' origins are added to it on those pages.

    A provider's log-in or callback address when that provider is not configured is a 404 (allauth
    lets the missing application's DoesNotExist through, a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/accounts/") and response.get("Content-Type", "").startswith("text/html"):
            origins = identity_provider_origins(request)
            if origins:
                update: dict[str, Any] = dict(getattr(response, "_csp_update", None) or {})
                update["form-action"] = [*update.get("form-action", []), *origins]
                response._csp_update = update  # type: ignore[attr-defined]
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, SocialApp.DoesNotExist):
            raise Http404(gettext("This sign-in provider is not configured.")) from exception


class PersonLocaleMiddleware:
    """Every request of a logged-in person is in their own time zone (`User.time_zone`) and, once they
    have chosen one, their own language (`User.language`; before that LocaleMiddleware's choice from
    the browser stands). Anonymous requests keep the site's zone and the browser's language. API
    callers with a token are authenticated later, by DRF: `accounts.authentication` does the same
    for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            person_locale_activate(request, user)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # the next request on this thread starts from the site's zone


def person_locale_activate(request: HttpRequest, user: User) -> None:
    """The person's zone and (when chosen) language for the rest of this request."""
    timezone.activate(zone_of(user.time_zone))
    if user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
