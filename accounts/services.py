"""Writes to user accounts."""

import secrets
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User


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
