"""The kinds of notice the product sends, each with a label and a default delivery for the preferences.

Plain data: this app knows no other app; the apps that send a kind name it here so that its recipients
can choose how it reaches them. A kind not listed still works (delivered as DEFAULT_DELIVERY).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class NoticeKind:
    kind: str
    label: "StrOrPromise"
    """Lazy: shown in the reader's language."""
    default: str
    for_mentors: bool = False
    """Shown on the preferences page only to mentors and staff."""


DEFAULT_DELIVERY = Delivery.EMAIL

KINDS: dict[str, NoticeKind] = {
    item.kind: item
    for item in [
        NoticeKind("week_feedback", _("Feedback from your mentor on a week"), Delivery.EMAIL),
        NoticeKind("quiz_reviewed", _("A quiz graded after your mentor's review"), Delivery.EMAIL),
        NoticeKind("phase_signed_off", _("A phase signed off"), Delivery.EMAIL),
        NoticeKind("phase_returned", _("A phase returned with comments"), Delivery.EMAIL),
        NoticeKind("project_reviewed", _("A project reviewed"), Delivery.EMAIL),
        NoticeKind("certificate_issued", _("A certificate issued"), Delivery.EMAIL),
        NoticeKind("certificate_revoked", _("A certificate revoked"), Delivery.EMAIL),
        NoticeKind("reminder_weekly", _("This week's plan (weekly reminder)"), Delivery.EMAIL),
        NoticeKind("reminder_behind", _("Catching up (reminder when behind)"), Delivery.EMAIL),
        NoticeKind("reminder_inactive", _("Picking up again (reminder after a quiet spell)"), Delivery.EMAIL),
        NoticeKind("feedback_reply", _("A learner's reply to your feedback"), Delivery.IN_PRODUCT, True),
        NoticeKind("project_submitted", _("A project submitted for your review"), Delivery.EMAIL, True),
        NoticeKind("learner_left", _("A learner of yours left the curriculum"), Delivery.EMAIL, True),
        NoticeKind("learner_deleted", _("A learner of yours deleted their account"), Delivery.EMAIL, True),
    ]
}


def default_delivery(kind: str) -> str:
    known = KINDS.get(kind)
    return known.default if known else DEFAULT_DELIVERY


def kinds_for(*, mentor: bool, learner: bool = True) -> list[NoticeKind]:
    """The kinds a user may set a preference for: the mentors' kinds for mentors and staff, the
    learners' kinds for learners (a mentor who has never enrolled gets no learner's notice)."""
    return [item for item in KINDS.values() if (mentor if item.for_mentors else learner)]
