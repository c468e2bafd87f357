"""Single sign-on (allauth.socialaccount): which existing account a provider's sign-in may enter, and
which providers a page offers.

A provider's sign-in enters an existing account only when the provider says it verified the e-mail
address *and* the account verified the same address here. Anything else is a new account when the
address is free, or refused when it is taken (allauth then e-mails the address's owner instead of
saying so on the page): an account is never taken over by a provider that returns an unverified or a
different address. Connecting a provider from Settings is the logged-in owner's own choice.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.http import HttpRequest

from accounts.models import User
from accounts.preferences import weekly_streams_schedule
from accounts.services import user_language_from_browser

# Where each provider's authorisation page lives (the sign-in form's redirect goes there).
PROVIDER_ORIGINS = {"github": "https://github.com", "google": "https://accounts.google.com"}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """A newcomer through their organisation's provider keeps their browser's language, as one who
        fills in the sign-up form does (before, their notices and e-mails came in the site's); it goes
        into the row allauth writes, with their weekly e-mails' first times."""
        user_language_from_browser(user=sociallogin.user)
        # Their weekly e-mails at their own slot (Monday 08:00), not "due at once" at the next beat.
        weekly_streams_schedule(user=sociallogin.user)
        return super().save_user(request, sociallogin, form)

    def authenticate_by_email(self, sociallogin: SocialLogin) -> tuple[Any, str] | None:
        """The active account whose verified address the provider verified too, or None."""
        for address in sociallogin.email_addresses:
            if not address.verified or not self.can_authenticate_by_email(sociallogin, address.email):
                continue
            match = (
                EmailAddress.objects.filter(email__iexact=address.email, verified=True, user__is_active=True)
                .select_related("user")
                .first()
            )
            if match is not None:
                return match.user, address.email
        return None


def identity_provider_origins(request: HttpRequest) -> list[str]:
    """The origins of the configured providers' authorisation pages (settings or admin)."""
    origins = []
    for app in get_adapter(request).list_apps(request):
        if app.provider in PROVIDER_ORIGINS:
            origins.append(PROVIDER_ORIGINS[app.provider])
        elif app.provider == "openid_connect" and (server_url := (app.settings or {}).get("server_url")):
            parts = urlsplit(server_url)
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


@dataclass(frozen=True)
class ConnectedProvider:
    id: int
    provider: str  # "github", "google", or the OpenID Connect provider's id
    name: str  # as the log-in page names it
    account: str  # the provider's name for the person (their e-mail address or username there)
    connected_at: datetime
    last_login: datetime


def connected_providers_of(*, request: HttpRequest, user: User) -> list[ConnectedProvider]:
    """The identity providers connected to this account, oldest first."""
    connected = []
    for account in SocialAccount.objects.filter(user=user).order_by("date_joined", "pk"):
        try:
            name = account.get_provider(request).name
        except SocialApp.DoesNotExist:  # a provider no longer configured: its account stays listed
            name = account.provider
        connected.append(
            ConnectedProvider(
                id=account.pk,
                provider=account.provider,
                name=name,
                account=str(account.get_provider_account()) if name != account.provider else account.uid,
                connected_at=account.date_joined,
                last_login=account.last_login,
            )
        )
    return connected
