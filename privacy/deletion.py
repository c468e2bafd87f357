"""Account deletion: request (confirmed), cancel (or log in), and the erasure once the grace period ends.

The lifecycle, and who moves it:
  pending → cancelled   the user cancels, or logs in (any log-in: the site, SSO, an API token)
  pending → erased      `accounts_erase_due` (a periodic task), once `erase_after` has come
One pending request per user (a constraint); requesting again returns it. Requesting ends every session
and the API token, so that using the account again means logging in — which cancels the deletion.
What is erased and what is kept: privacy/README.md.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from accounts.models import User
from accounts.personal_data import identity_of
from accounts.services import LoginLocked, password_check
from lms.locale import for_person
from notifications.services import email_enqueue, notify
from privacy.archive import SOURCES
from privacy.models import DataExport, DeletionRequest
from privacy.scrub import owned_keys_of, trails_scrub
from progress.models import Enrolment

logger = logging.getLogger(__name__)

CONFIRMATION_PHRASE = "delete my account"
"""What a user without a password (signed up with single sign-on) types to confirm (the API documents
it; the phrase in the reader's language is accepted too: `confirmation_phrase`)."""


def confirmation_phrase() -> str:
    """The phrase as the page asks for it, in the active language."""
    return gettext("delete my account")


def _is_confirmation(phrase: str) -> bool:
    typed = " ".join((phrase or "").split()).casefold()
    return typed in {CONFIRMATION_PHRASE, confirmation_phrase().casefold()}


def grace_period() -> timedelta:
    return timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)


def deletion_refusal(user: User) -> str | None:
    """Why this account cannot delete itself, or None: staff and mentors hold other people's work
    (reviews, sign-offs, certificates they signed), so an administrator closes theirs."""
    if user.is_staff or user.is_superuser or user.is_mentor:
        return gettext("Staff and mentor accounts are closed by an administrator: please ask one.")
    return None


def _confirm(request: HttpRequest, user: User, *, password: str, phrase: str) -> None:
    try:
        (password or "").encode("utf-8")  # a lone surrogate cannot be hashed: it is no password
    except UnicodeEncodeError:
        raise ValidationError({"password": gettext("That is not your password.")}) from None
    if user.has_usable_password():
        try:
            checked = password_check(request=request, email=user.email, password=password or "")
        except LoginLocked as locked:
            raise ValidationError({"password": str(locked)}) from locked
        if checked is None or checked.pk != user.pk:
            raise ValidationError({"password": gettext("That is not your password.")})
    elif not _is_confirmation(phrase):
        message = gettext("Type “%(phrase)s” to confirm.") % {"phrase": confirmation_phrase()}
        raise ValidationError({"phrase": message})


def deletion_request_create(
    *, request: HttpRequest, user: User, password: str = "", phrase: str = ""
) -> tuple[DeletionRequest, bool]:
    """Schedule the account's erasure after the grace period; returns (request, created). Confirmed by
    the password (through the log-in's failure limits), or by the phrase for an account without one.
    Raises PermissionDenied for staff and mentors, ValidationError for a wrong confirmation."""
    refusal = deletion_refusal(user)
    if refusal:
        raise PermissionDenied(refusal)
    _confirm(request, user, password=password, phrase=phrase)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        pending = DeletionRequest.objects.filter(user=locked, status=DeletionRequest.Status.PENDING).first()
        if pending is not None:
            return pending, False
        now = timezone.now()
        deletion = DeletionRequest.objects.create(
            user=locked, requested_at=now, erase_after=now + grace_period()
        )
        # A new hash of the same password (or a new unusable one) ends every session: Django checks each
        # session's hash of the password. Saving it also revokes the API token (accounts.models.User.save).
        if locked.has_usable_password():
            locked.set_password(password)
        else:
            locked.set_unusable_password()
        locked.save(update_fields=["password"])
        _tell_user(deletion, template="privacy/email/deletion_requested.txt", key="requested",
                   subject=gettext_noop("Your account will be deleted"))  # fmt: skip
    return deletion, True


def deletion_request_cancel(
    *, user: User, by: str = DeletionRequest.CancelledBy.USER
) -> DeletionRequest | None:
    """Cancel the user's pending deletion; the cancelled request, or None when none was pending."""
    with transaction.atomic():
        pending = (
            DeletionRequest.objects.select_for_update()
            .filter(user=user, status=DeletionRequest.Status.PENDING)
            .first()
        )
        if pending is None:
            return None
        pending.status = DeletionRequest.Status.CANCELLED
        pending.cancelled_at = timezone.now()
        pending.cancelled_by = by
        pending.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        _tell_user(pending, template="privacy/email/deletion_cancelled.txt", key="cancelled",
                   subject=gettext_noop("Your account will not be deleted"))  # fmt: skip
    return pending


def _tell_user(deletion: DeletionRequest, *, template: str, key: str, subject: str) -> None:
    """`subject`: in English (gettext_noop), translated here into the user's language."""
    user = deletion.user
    context = {
        "user": user,
        "deletion": deletion,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
    }
    with for_person(user):  # the deletion's date in their zone
        email_enqueue(
            recipient=user,
            kind="account_deletion",
            key=f"deletion-{key}:{deletion.pk}",
            subject=gettext(subject),
            text=render_to_string(template, context),
        )


def accounts_erase_due(*, now: datetime | None = None) -> int:
    """Erase every account whose grace period has ended (the periodic task); returns how many."""
    now = now or timezone.now()
    due = DeletionRequest.objects.filter(status=DeletionRequest.Status.PENDING, erase_after__lte=now)
    return sum(
        account_erase(request_id=request_id, now=now) for request_id in due.values_list("pk", flat=True)
    )


def account_erase(*, request_id: int, now: datetime | None = None) -> bool:
    """Erase the account of a due deletion request, in one transaction (the request's row locked, SKIP
    LOCKED: two workers never erase the same account); files are deleted after it commits. False when
    there was nothing to do (not due, cancelled, erased, or being erased by another worker)."""
    now = now or timezone.now()
    with transaction.atomic():
        deletion = (
            DeletionRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=request_id, status=DeletionRequest.Status.PENDING, erase_after__lte=now)
            .first()
        )
        if deletion is None:
            return False
        user = deletion.user
        if user.last_login and user.last_login > deletion.requested_at:  # a log-in the signal missed
            deletion_request_cancel(user=user, by=DeletionRequest.CancelledBy.LOG_IN)
            return False
        identity = identity_of(user)
        owned = owned_keys_of(user, SOURCES)
        mentors = _mentors_of(user)
        files: list[str] = []
        with disable_auditlog():
            for source in reversed(SOURCES):  # the account last: the others find rows through it
                files.extend(source.erase(user, identity=identity))
            exports = DataExport.objects.filter(user=user)
            files.extend(exports.values_list("file_name", flat=True))
            exports.delete()
            trails_scrub(user_id=user.pk, owned=owned, identity=identity)
        deletion.status = DeletionRequest.Status.ERASED
        deletion.erased_at = now
        deletion.save(update_fields=["status", "erased_at"])
        _tell_mentors(deletion, mentors)
        transaction.on_commit(lambda: _files_delete(files))
    return True


def _mentors_of(user: User) -> list[tuple[User, date]]:
    """Each mentor of the user's enrolments (current or past), with the date the first one started."""
    seen: dict[int, tuple[User, date]] = {}
    for enrolment in Enrolment.objects.filter(learner=user, mentor__isnull=False).select_related("mentor"):
        assert enrolment.mentor is not None
        seen.setdefault(enrolment.mentor.pk, (enrolment.mentor, enrolment.start_date))
    return list(seen.values())


def _tell_mentors(deletion: DeletionRequest, mentors: Iterable[tuple[User, date]]) -> None:
    """The learner's mentors are told, without a name: only when the learner started."""
    for mentor, started in mentors:
        if not mentor.is_active:
            continue
        with for_person(mentor):  # the mentor's language, and the date as they read dates
            text = gettext(
                "A learner you mentored (enrolled from %(day)s) has deleted their account: "
                "their work, notes and your feedback to them have been erased."
            ) % {"day": date_format(started)}
            notify(
                recipient=mentor,
                kind="learner_deleted",
                key=f"account-erased:{deletion.pk}:{mentor.pk}",
                text=text,
                link=reverse("mentoring:dashboard"),
                subject=gettext("A learner of yours deleted their account"),
                email_text=render_to_string(
                    "privacy/email/learner_deleted.txt",
                    {"mentor": mentor, "text": text, "site_url": settings.SITE_URL},
                ),
            )


def _files_delete(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as error:  # logged; the row no longer names it
            logger.warning("privacy: could not delete %s (%s)", name, error)
