"""A user's notices, notice preferences and the e-mails sent to them: exported, and erased with their
account (the protocol: accounts/personal_data.py) — with the notices and e-mails to other people that
name them (a mentor's "Ada replied to your feedback", a digest listing Ada).

E-mails stay as rows (kind, key, dates: what makes "exactly once" hold and what the outbox counts) with
no address, subject or body; notices are deleted.
"""

from typing import Any

from django.db.models import Q, QuerySet

from lms.personal_data import ERASED, Export, Identity, iso
from notifications.models import Email, Notice, NoticePreference


def export(user: Any) -> Export:
    notices = [
        {
            "kind": notice.kind,
            "title": notice.title,
            "text": notice.text,
            "link": notice.safe_link,
            "created_at": iso(notice.created_at),
            "read_at": iso(notice.read_at),
        }
        for notice in Notice.objects.filter(recipient=user).order_by("created_at", "pk")
    ]
    preferences = [
        {"kind": kind, "delivery": delivery}
        for kind, delivery in NoticePreference.objects.filter(user=user)
        .order_by("kind")
        .values_list("kind", "delivery")
    ]
    # What was sent to them, without the bodies (a data-export e-mail holds a download link).
    emails = [
        {"kind": kind, "to": to, "subject": subject, "status": status, "created_at": iso(created),
         "sent_at": iso(sent)}
        for kind, to, subject, status, created, sent in Email.objects.filter(recipient=user)
        .order_by("created_at", "pk")
        .values_list("kind", "to", "subject", "status", "created_at", "sent_at")
    ]  # fmt: skip
    return Export(records={"notices": {"notices": notices, "preferences": preferences, "emails": emails}})


def _mentioning(identity: Identity, *fields: str) -> Q:
    condition = Q(pk__in=[])
    for text in identity.strings:
        for name in fields:
            condition |= Q(**{f"{name}__icontains": text})
    return condition


def erase(user: Any, *, identity: Identity) -> list[str]:
    Notice.objects.filter(recipient=user).delete()
    NoticePreference.objects.filter(user=user).delete()
    mine = Email.objects.filter(recipient=user)
    mine.exclude(status=Email.Status.SENT).delete()  # never sent now: there is nobody to send them to
    mine.update(to="", subject=ERASED, text="", html="", headers={}, notice="", link="", last_error="")
    # Other people's notices and e-mails that name the person.
    if identity.strings:
        Notice.objects.exclude(recipient=user).filter(_mentioning(identity, "title", "text")).delete()
        for email in Email.objects.exclude(recipient=user).filter(
            _mentioning(identity, "subject", "text", "html", "notice")
        ):
            Email.objects.filter(pk=email.pk).update(
                subject=identity.scrub(email.subject), text=ERASED, html="", notice=""
            )
    return []


def owned(user: Any) -> list[QuerySet[Any]]:
    return []
