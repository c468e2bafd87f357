"""The kinds of notice the product sends, each with a label and a default delivery for the preferences.

Plain data: this app knows no other app; the apps that send a kind name it here so that its recipients
can choose how it reaches them. A kind not listed still works (delivered as DEFAULT_DELIVERY).
"""

from dataclasses import dataclass

from notifications.models import Delivery


@dataclass(frozen=True)
class NoticeKind:
    kind: str
    label: str
    default: str
    for_mentors: bool = False
    """Shown on the preferences page only to mentors and staff."""


DEFAULT_DELIVERY = Delivery.EMAIL

KINDS: dict[str, NoticeKind] = {
    item.kind: item
    for item in [
        NoticeKind("week_feedback", "Feedback from your mentor on a week", Delivery.EMAIL),
        NoticeKind("quiz_reviewed", "A quiz graded after your mentor's review", Delivery.EMAIL),
        NoticeKind("phase_signed_off", "A phase signed off", Delivery.EMAIL),
        NoticeKind("phase_returned", "A phase returned with comments", Delivery.EMAIL),
        NoticeKind("project_reviewed", "A project reviewed", Delivery.EMAIL),
        NoticeKind("certificate_issued", "A certificate issued", Delivery.EMAIL),
        NoticeKind("certificate_revoked", "A certificate revoked", Delivery.EMAIL),
        NoticeKind("reminder_weekly", "This week's plan (weekly reminder)", Delivery.EMAIL),
        NoticeKind("reminder_behind", "Catching up (reminder when behind)", Delivery.EMAIL),
        NoticeKind("reminder_inactive", "Picking up again (reminder after a quiet spell)", Delivery.EMAIL),
        NoticeKind("feedback_reply", "A learner's reply to your feedback", Delivery.IN_PRODUCT, True),
        NoticeKind("project_submitted", "A project submitted for your review", Delivery.EMAIL, True),
        NoticeKind("learner_left", "A learner of yours left the curriculum", Delivery.EMAIL, True),
        NoticeKind("learner_deleted", "A learner of yours deleted their account", Delivery.EMAIL, True),
    ]
}


def default_delivery(kind: str) -> str:
    known = KINDS.get(kind)
    return known.default if known else DEFAULT_DELIVERY


def kinds_for(*, mentor: bool, learner: bool = True) -> list[NoticeKind]:
    """The kinds a user may set a preference for: the mentors' kinds for mentors and staff, the
    learners' kinds for learners (a mentor who has never enrolled gets no learner's notice)."""
    return [item for item in KINDS.values() if (mentor if item.for_mentors else learner)]
