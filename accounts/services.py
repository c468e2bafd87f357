"""Writes to user accounts."""

import secrets
from collections.abc import Iterable

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.account.utils import has_verified_email
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.preferences import weekly_streams_schedule
from accounts.second_factor import second_factor_required


def mentor_group() -> Group:
    group, _ = Group.objects.get_or_create(name=User.MENTOR_GROUP)
    return group


@transaction.atomic
def demo_accounts_create(*, accounts: Iterable[tuple[str, str, bool, bool]]) -> list[tuple[str, str, str]]:
    """Create or reset each (username, email, is_staff, is_mentor) account with a new random password.

    E-mail addresses are marked verified so the demo works with mandatory verification too.
    """
    created = []
    for username, email, is_staff, is_mentor in accounts:
        password = secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
        user.email = email
        user.is_staff = user.is_superuser = is_staff
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if is_mentor:
            user.groups.add(mentor_group())
        created.append((username, email, password))
    return created


class LoginLocked(Exception):
    """Too many failed log-ins from this address (for this account, or for any): wait `retry_after`
    seconds, whatever the password (accounts.login_delays)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(gettext("Too many failed log-in attempts. Try again later."))
        self.retry_after = retry_after


def password_check(*, request: HttpRequest, email: str, password: str) -> User | None:
    """The active account with this e-mail address and password, or None; through allauth's adapter,
    so that every attempt counts against the same failed-log-in limits as the site's log-in form
    (accounts.login_delays per account and address; settings.ACCOUNT_RATE_LIMITS per address).

    Raises LoginLocked while those limits refuse, whatever the password.
    """
    try:
        user = get_adapter(request).authenticate(request, email=email, password=password)
    except forms.ValidationError as error:
        if error.code == "too_many_login_attempts":
            raise LoginLocked(retry_after=getattr(request, "login_retry_after", 60)) from error
        raise
    # allauth hands back an inactive account with the right password (its log-in page then says it
    # is inactive): that is no log-in.
    if user is None or not user.is_active:
        return None
    return user  # type: ignore[return-value]


def user_language_from_browser(*, user: User) -> User:
    """A new account keeps the language the browser asked for (LocaleMiddleware's choice, active now):
    what is written for the person while they are away (e-mails, notices, PDFs) is in it, until they
    choose in Preferences. Both ways of signing up call it, on the account not yet saved (its row is
    written once, with the language): the form, and an organisation's provider."""
    user.language = translation.get_language() or settings.LANGUAGE_CODE
    return user


def user_signup_prepare(*, user: User, name: str, time_zone: str) -> User:
    """The sign-up form's name and time zone (the site's when it gave none), the browser's language and
    the weekly e-mails' first times, set on the new account before its row is written (one INSERT)."""
    user.name = name.strip()
    user.time_zone = time_zone or settings.TIME_ZONE
    user_language_from_browser(user=user)
    weekly_streams_schedule(user=user)
    return user


def user_name_set(*, user: User, name: str) -> User:
    """Set the name the person is shown by (empty: their full name or e-mail address, see display_name)."""
    user.name = name.strip()
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["name"])
    return user


def api_token_create(*, request: HttpRequest, email: str, password: str) -> Token:
    """A new API token for the account with this e-mail address and password (what the site's log-in
    asks); the account's previous token stops working (obtaining is rotating).

    Raises ValidationError for wrong credentials or an inactive account (one message for both, which
    does not tell whether the address exists) and, when e-mail verification is mandatory, for an
    unverified address; LoginLocked after too many failures for the account (shared with the log-in
    form) or from the address.
    """
    user = password_check(request=request, email=email, password=password)
    if user is None:
        raise ValidationError(gettext("The e-mail address and/or password you specified are not correct."))
    if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not has_verified_email(user, email):
        raise ValidationError(gettext("Verify your e-mail address first (see the link we sent you)."))
    if is_mfa_enabled(user) or second_factor_required(user):
        # A password alone is not this account's log-in: a token must not be either.
        raise ValidationError(
            gettext(
                "This account logs in with a second factor: API tokens are not issued for a password alone."
            )
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one rotation at a time per user
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> bool:
    """Delete the user's API token; returns whether there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
