"""System checks of the signing key: a malformed key is an error everywhere; a missing one a warning of
`check --deploy` (credentials cannot be downloaded until it is set)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from credentials.signing import SigningKeyMissing, published_jwks, signing_key


@register()
def signing_key_is_well_formed(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        if settings.CREDENTIALS_SIGNING_KEY:
            signing_key()
        published_jwks()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="credentials.E001")]
    return []


@register(Tags.security, deploy=True)
def signing_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        signing_key()
    except SigningKeyMissing:
        return [
            Warning(
                "CREDENTIALS_SIGNING_KEY is not set: certificates' signed credentials cannot be issued.",
                hint="Run `manage.py credentials_keygen`; keep the key as credentials/README.md says.",
                id="credentials.W001",
            )
        ]
    except ImproperlyConfigured:
        return []  # reported by signing_key_is_well_formed
    return []
