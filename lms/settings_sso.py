"""The single sign-on providers (allauth.socialaccount), configured from the environment: kept apart
from lms/settings.py so that each settings module stays readable; lms/settings.py calls it."""

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


def _sso_app(prefix: str) -> dict[str, str] | None:
    """A provider's client from PREFIX_CLIENT_ID and PREFIX_CLIENT_SECRET; None when neither is set."""
    client_id = env.str(f"{prefix}_CLIENT_ID", default="")
    secret = env.str(f"{prefix}_CLIENT_SECRET", default="")
    if not client_id and not secret:
        return None
    if not client_id or not secret:
        raise ImproperlyConfigured(f"Set both {prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET, or neither.")
    return {"client_id": client_id, "secret": secret}


def social_providers() -> dict[str, dict[str, Any]]:
    """SOCIALACCOUNT_PROVIDERS: GitHub, Google and an organisation's OpenID Connect provider, each with
    its client when the environment names one (else only admin's "Social applications" can)."""
    providers: dict[str, dict[str, Any]] = {
        "github": {"SCOPE": ["read:user", "user:email"]},
        "google": {
            "SCOPE": ["profile", "email"],
            "AUTH_PARAMS": {"access_type": "online"},
            "OAUTH_PKCE_ENABLED": True,
        },
        "openid_connect": {"OAUTH_PKCE_ENABLED": True},
    }
    for provider, prefix in (("github", "GITHUB"), ("google", "GOOGLE")):
        if app := _sso_app(prefix):
            providers[provider]["APPS"] = [{**app, "key": ""}]
    if app := _sso_app("OIDC"):
        server_url = env.str("OIDC_SERVER_URL", default="")
        if not server_url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("OIDC_SERVER_URL must be the provider's http(s) address (its issuer).")
        providers["openid_connect"]["APPS"] = [
            {
                **app,
                "provider_id": env.str("OIDC_PROVIDER_ID", default="organisation"),
                "name": env.str("OIDC_PROVIDER_NAME", default="your organisation"),
                "settings": {"server_url": server_url},
            }
        ]
    return providers
