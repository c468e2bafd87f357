"""allauth's adapter: account e-mails name the site from settings (SITE_NAME, SITE_URL), not from the
Sites framework's row, which says "example.com" unless someone edits it in admin; every e-mail allauth
sends (the address confirmation, the password reset, sign-in codes, the notices of a changed password,
address or second factor) goes through the outbox, so that the page answers without waiting for the
mail server, still succeeds when it is down, and the e-mail is retried like every other; failed
passwords slow the guesser down per account and address (accounts.login_delays) instead of locking the
account.

An e-mail whose body is a credential (a reset link, a confirmation key, a code) is marked as holding a
secret: the outbox clears its body once the mail server accepted it, and admin never shows it."""

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest

from accounts.login_delays import login_failed, login_succeeded, login_wait
from accounts.models import User
from accounts.services import user_signup_prepare
from notifications.services import EmailDraft, emails_enqueue

CONFIRMATION_TEMPLATES = ("account/email/email_confirmation_signup", "account/email/email_confirmation")
"""The address confirmations: one outbox kind, `account_confirmation`, whichever template."""
CREDENTIALS = ("key", "code")
"""What in allauth's context for an e-mail is a credential: the reset or confirmation key (also in the
link the e-mail carries), the sign-in, reset or confirmation code."""


@dataclass(frozen=True)
class ConfiguredSite:
    """What allauth's e-mail templates read of `current_site`."""

    name: str
    domain: str


def configured_site() -> ConfiguredSite:
    return ConfiguredSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def account_id_with_address(email: str) -> int | None:
    """The account an e-mail to this address is about when allauth does not say (an address that
    already has an account); None for an address with none (a reset asked for an unknown address)."""
    return User.objects.filter(email__iexact=email).order_by("pk").values_list("pk", flat=True).first()


def user_display(user: Any) -> str:
    """How allauth's pages and e-mails name a user ("Successfully signed in as …"): the display name."""
    return str(getattr(user, "display_name", "") or user)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: Any, commit: bool = True
    ) -> AbstractBaseUser:
        """A new account from a sign-up form (ours, or allauth's after a provider's sign-in): the form's
        name and time zone and the browser's language go into the row allauth writes, once."""
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data  # allauth's sign-up forms are built on ours (ACCOUNT_SIGNUP_FORM_CLASS)
        user_signup_prepare(
            user=user,  # type: ignore[arg-type]
            name=data.get("name", ""),
            time_zone=data.get("time_zone", ""),
        )
        if commit:
            user.save()
        return user

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every allauth e-mail into the outbox, once per address and content (per key or code)."""
        context = {"current_site": configured_site(), "request": allauth_context.request, **context}
        message = self.render_mail(template_prefix, email, {"email": email, **context})
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next((str(body) for body, kind in message.alternatives if kind == "text/html"), "")
        secret = next((str(context[name]) for name in CREDENTIALS if context.get(name)), "")
        if template_prefix in CONFIRMATION_TEMPLATES:
            kind = "account_confirmation"
        else:
            app, _, name = template_prefix.partition("/email/")
            kind = f"{app}_{name}"[:40]
        digest = hashlib.sha256(f"{email}\n{secret or message.body}".encode()).hexdigest()[:32]
        user = context.get("user")
        emails_enqueue(
            drafts=[
                EmailDraft(
                    recipient_id=user.pk if user is not None else account_id_with_address(email),
                    to=email,
                    kind=kind,
                    key=f"{kind.replace('_', '-')}:{digest}",
                    subject=str(message.subject),
                    text=str(message.body),
                    html=html,
                    holds_secret=bool(secret),
                )
            ]
        )

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """allauth's notices (password changed, address added, second factor removed…), with the user
        they are about, whom the outbox row names."""
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse (too_many_login_attempts, the wait in `request.login_retry_after`) while this account
        is slowed down for this address; then allauth's per-address limit."""
        login = credentials.get("email", credentials.get("username", "")) or ""
        wait = login_wait(login=login, address=get_ip(request))
        if wait:
            request.login_retry_after = wait  # type: ignore[attr-defined]
            raise self.validation_error("too_many_login_attempts")
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            request.login_retry_after = 60  # type: ignore[attr-defined]  # allauth's per-address minute
            raise

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None:
            login = credentials.get("email", credentials.get("username", "")) or ""
            login_succeeded(login=login, address=get_ip(request))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login = credentials.get("email", credentials.get("username", "")) or ""
        login_failed(login=login, address=get_ip(request))
