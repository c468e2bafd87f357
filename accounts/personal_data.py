"""The account's part of a person's data (the protocol: lms/personal_data.py): the profile, e-mail
addresses and API token; `identity_of` gathers what names the person before anything is erased."""

from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from rest_framework.authtoken.models import Token

from accounts.models import User
from lms.personal_data import Export, Identity, iso

# Apps of allauth (and others) whose rows belong to one user and go with the account.
USER_OWNED_APPS = ("socialaccount", "mfa", "usersessions")


def identity_of(user: User, *, extra: Iterable[str] = ()) -> Identity:
    emails = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    candidates = [user.email, *emails, user.name, user.get_full_name(), user.display_name, *extra]
    # Three characters at least: a shorter string would match inside unrelated words.
    strings = {text.strip() for text in candidates if text and len(text.strip()) >= 3}
    return Identity(user_id=user.pk, strings=tuple(sorted(strings, key=len, reverse=True)))


def shown_name(user: User | None, *, you: User | None = None, unnamed: str = "") -> str:
    """How an export names a person: "you", or the name they gave, else their full name — never an
    e-mail address (someone else's is not the user's data)."""
    if user is None:
        return unnamed
    if you is not None and user.pk == you.pk:
        return "you"
    return user.name.strip() or user.get_full_name() or unnamed


def export(user: User) -> Export:
    token = Token.objects.filter(user=user).first()
    account = {
        "username": user.username,
        "email": user.email,
        "display_name": user.name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "shown_as": user.display_name,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "roles": user.roles,
        # Their local settings (Preferences): dates shown in this zone, e-mails in this language and
        # weekly e-mails on this weekday (0 Monday) at this hour, their time.
        "time_zone": user.time_zone,
        "language": user.language,
        "weekly_emails": {"weekday": user.weekly_email_weekday, "hour": user.weekly_email_hour},
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # The token's key is a secret: an export says only that one exists.
        "api_token": {"created": iso(token.created)} if token else None,
    }
    return Export(records={"account": account})


def erase(user: User, *, identity: Identity) -> list[str]:
    """The account stays as an anonymous row (what others' rows point at: a mentor's reviews, counts),
    with no name, no e-mail address, no password and no way to log in."""
    EmailAddress.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    for model in apps.get_models():
        if model._meta.app_label in USER_OWNED_APPS and any(
            f.name == "user" and f.related_model is User for f in model._meta.concrete_fields
        ):
            model._default_manager.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(
        username=f"deleted-{user.pk}",
        email="",
        name="",
        first_name="",
        last_name="",
        password=user.password,
        is_active=False,
        is_staff=False,
        is_superuser=False,
        last_login=None,
        # An erased account's language and zone are no one's now.
        language="",
        time_zone=settings.TIME_ZONE,
    )
    return []


def owned(user: User) -> list[QuerySet[Any]]:
    return [User.objects.filter(pk=user.pk)]
