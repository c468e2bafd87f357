"""Second factors (allauth.mfa): who must have one before using the site, and who has one.

Staff and mentors change grades, sign phases off (which issues signed certificates) and edit
everything; with `MFA_REQUIRED_FOR_STAFF_AND_MENTORS` on, they reach no page but the second factor's
set-up until they have enrolled an authenticator app (TOTP) or a security key / passkey (WebAuthn).
Recovery codes alone do not count: they back a factor up, they are not one.
"""

from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings

ENROLLED_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def second_factor_required(user: Any) -> bool:
    """Whether this user must have a second factor (the setting on, and staff or a mentor)."""
    return bool(
        settings.MFA_REQUIRED_FOR_STAFF_AND_MENTORS
        and user.is_authenticated
        and (user.is_staff or user.is_mentor)
    )


def has_second_factor(user: Any) -> bool:
    """Whether the user has an authenticator app or a security key (recovery codes do not count)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=ENROLLED_TYPES).exists()


def second_factor_missing(user: Any) -> bool:
    """Must have a second factor and has none yet: send them to set one up."""
    return second_factor_required(user) and not has_second_factor(user)


@dataclass(frozen=True)
class SecondFactorState:
    """What the account's second factor is, for the account's owner (never the secrets)."""

    enabled: bool
    methods: list[str]  # "totp", "webauthn"
    security_keys: int
    recovery_codes_left: int
    required: bool


def second_factor_state_of(*, user: Any) -> SecondFactorState:
    authenticators = list(Authenticator.objects.filter(user_id=user.pk))
    recovery = next((a for a in authenticators if a.type == Authenticator.Type.RECOVERY_CODES), None)
    enrolled = [a.type for a in authenticators if a.type in ENROLLED_TYPES]
    return SecondFactorState(
        enabled=bool(enrolled),
        methods=sorted(set(enrolled)),
        security_keys=enrolled.count(Authenticator.Type.WEBAUTHN),
        recovery_codes_left=len(RecoveryCodes(recovery).get_unused_codes()) if recovery else 0,
        required=second_factor_required(user),
    )
