"""allauth's account e-mails name the site from settings (SITE_NAME, SITE_URL), not from the Sites
framework's row, which says "example.com" unless someone edits it in admin."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


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
        super().send_mail(template_prefix, email, {"current_site": configured_site(), **context})
