"""allauth's account e-mails name the site from settings (SITE_NAME, SITE_URL), not from the Sites
framework's row, which says "example.com" unless someone edits it in admin. The address confirmation
(sent at sign-up) goes through the outbox, so that the sign-up answers without waiting for the mail
server and still succeeds when it is down."""

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from notifications.services import EmailDraft, emails_enqueue

CONFIRMATION_TEMPLATES = ("account/email/email_confirmation_signup", "account/email/email_confirmation")
"""allauth's e-mails sent through the outbox. A password-reset link is a credential: those e-mails are
sent as allauth sends them, never stored in a table that staff can read."""


@dataclass(frozen=True)
class ConfiguredSite:
    """What allauth's e-mail templates read of `current_site`."""

    name: str
    domain: str


def configured_site() -> ConfiguredSite:
    return ConfiguredSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def user_display(user: Any) -> str:
    """How allauth's pages and e-mails name a user ("Successfully signed in as …"): the display name."""
    return str(getattr(user, "display_name", "") or user)


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        context = {"current_site": configured_site(), **context}
        user = context.get("user")
        if template_prefix not in CONFIRMATION_TEMPLATES or user is None or user.pk is None:
            super().send_mail(template_prefix, email, context)
            return
        message = self.render_mail(template_prefix, email, {"email": email, **context})
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next((str(body) for body, kind in message.alternatives if kind == "text/html"), "")
        confirmation = context.get("key") or context.get("code") or message.body
        digest = hashlib.sha256(f"{email}\n{confirmation}".encode()).hexdigest()[:32]
        emails_enqueue(
            drafts=[
                EmailDraft(
                    recipient_id=user.pk,
                    to=email,
                    kind="account_confirmation",
                    key=f"account-confirmation:{digest}",
                    subject=str(message.subject),
                    text=str(message.body),
                    html=html,
                )
            ]
        )
