"""Logging in during the grace period cancels the account's deletion: the site's log-in, single sign-on
(both end in Django's `user_logged_in`) and obtaining an API token (a new token is a log-in)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from privacy.models import DeletionRequest

CANCELLED_MESSAGE = _(
    "Welcome back: your account will not be deleted. Logging in cancelled its deletion; you can ask "
    "again under Your data."
)


def _cancel(user: Any) -> bool:
    from privacy.deletion import deletion_request_cancel

    if not DeletionRequest.objects.filter(user=user, status=DeletionRequest.Status.PENDING).exists():
        return False
    return deletion_request_cancel(user=user, by=DeletionRequest.CancelledBy.LOG_IN) is not None


def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if _cancel(user) and request is not None and hasattr(request, "_messages"):
        messages.info(request, CANCELLED_MESSAGE)


def token_created(sender: Any, instance: Token, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        _cancel(instance.user)


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="privacy:cancel-deletion-on-log-in")
    post_save.connect(token_created, sender=Token, dispatch_uid="privacy:cancel-deletion-on-token")
