"""The weekly notices digest: one e-mail per recipient with the notices whose kind they chose to get
"in a weekly digest", each notice in one digest only.

Exactly once: a recipient's pending notices are locked (FOR UPDATE SKIP LOCKED: two runs never take the
same rows), enqueued as one outbox e-mail keyed by the last notice it holds, and marked digested in the
same transaction. A retried run finds nothing pending, or the same set and the same key.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from lms.locale import for_person
from notifications.models import Delivery, Notice
from notifications.services import email_enqueue

PENDING = {"delivery": Delivery.DIGEST, "digested_at__isnull": True}


def digest_recipient_ids() -> list[int]:
    return list(Notice.objects.filter(**PENDING).values_list("recipient_id", flat=True).distinct().order_by())


def notice_digest_send(*, recipient_id: int, now: datetime | None = None) -> bool:
    """Put one recipient's digest in the outbox; False when nothing is pending (or the user is gone)."""
    now = now or timezone.now()
    with transaction.atomic():
        notices = list(
            Notice.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(recipient_id=recipient_id, recipient__is_active=True, **PENDING)
            .order_by("created_at", "id")
        )
        if not notices:
            return False
        recipient = notices[0].recipient
        with for_person(recipient):  # their language and zone
            site = settings.SITE_URL
            context = {
                "recipient": recipient,
                "notices": notices,
                "site": site,
                "notices_url": site + reverse("notifications:list"),
                "preferences_url": site + reverse("notifications:preferences"),
            }
            count = len(notices)
            email_enqueue(
                recipient=recipient,
                kind="notice_digest",
                key=f"notice-digest:{recipient_id}:{notices[-1].pk}",
                subject=ngettext("Your week: %(count)s notice", "Your week: %(count)s notices", count)
                % {"count": count},
                text=render_to_string("notifications/email/digest.txt", context),
                html=render_to_string("notifications/email/digest.html", context),
            )
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(digested_at=now)
    return True
