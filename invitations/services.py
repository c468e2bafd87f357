"""Writes to invitations: onboarding a learner (account, cohort enrolment, invitation), sending,
resending, revoking and accepting. Admin's CSV import, the API and the invitation page all call these.

An invitation's lifecycle, in one place:

    (none) --onboard--> pending --accept (link, in time)--> accepted
                        pending --revoke--> revoked
              pending / revoked --resend--> pending (a new link; the previous one stops working)

An accepted invitation is neither resent nor revoked (the person has an account: deactivate it in
admin). Each sending is one outbox e-mail under the key `invitation:<id>:<sending>`: a retried task,
a re-imported file or a second click sends nothing more.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.preferences import weekly_streams_schedule
from accounts.services import user_name_set
from cohorts.models import Cohort
from cohorts.services import CohortEnrolment, cohort_enrol
from cohorts.text import plain_text
from invitations.models import Invitation, token_hash
from lms.locale import for_person
from notifications.services import email_enqueue


def lifetime() -> timedelta:
    """How long an invitation's link works after it is sent (INVITATION_LIFETIME_DAYS)."""
    return timedelta(days=settings.INVITATION_LIFETIME_DAYS)


def email_key(invitation: Invitation) -> str:
    """The outbox key of the invitation's latest sending."""
    return f"invitation:{invitation.pk}:{invitation.sent_count}"


def _send(invitation: Invitation, *, mentor: User | None = None) -> str:
    """Give the invitation a new secret and expiry and put its e-mail in the outbox (sent after the
    caller's transaction commits). Returns the link's secret (for tests; it is stored only hashed)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.status = Invitation.Status.PENDING
    invitation.expires_at = now + lifetime()
    invitation.sent_at = now
    invitation.sent_count += 1
    invitation.revoked_at = None
    invitation.save()
    cohort = invitation.cohort
    link = settings.SITE_URL + reverse("invitations:accept", kwargs={"token": token})
    inviter = invitation.invited_by
    # The e-mail is in the invitee's language, which is not known before they sign up: an account that
    # exists already has its chosen language; a new one has none yet, and a cohort has no language of
    # its own, so the site's default (LANGUAGE_CODE) is used (`for_person`: language_of's rule). Not the
    # importer's: staff importing a file may read another language than the people they invite. Its
    # expiry is shown in the invitee's zone likewise (the site's, for a new account).
    with for_person(invitation.user):
        text = render_to_string(
            "invitations/email/invitation.txt",
            {
                "user": invitation.user,
                "invitation": invitation,
                "cohort": cohort,
                "start_date": cohort.start_date,
                "mentor": mentor,
                "invited_by_name": inviter.display_name if inviter else settings.SITE_NAME,
                "site_name": settings.SITE_NAME,
                "site_url": settings.SITE_URL,
                "link": link,
                "login_url": settings.SITE_URL + reverse("account_login"),
                "expires_at": invitation.expires_at,
            },
        )
        email_enqueue(
            recipient=invitation.user,
            kind="invitation",
            key=email_key(invitation),
            subject=gettext("You are invited to %(cohort)s") % {"cohort": cohort.name},
            text=text,
        )
    return token


@dataclass(frozen=True)
class Onboarding:
    """What `learner_onboard` did for one person."""

    user: User
    invitation: Invitation
    enrolment: CohortEnrolment
    account_created: bool
    account_updated: bool
    invitation_sent: bool

    @property
    def changed(self) -> bool:
        return (
            self.account_created
            or self.account_updated
            or self.enrolment.created
            or self.enrolment.changed
            or self.invitation_sent
        )

    @property
    def summary(self) -> str:
        parts = []
        if self.account_created:
            parts.append(gettext("new account"))
        elif self.account_updated:
            parts.append(gettext("name updated"))
        if self.enrolment.created:
            parts.append(gettext("enrolled"))
        elif self.enrolment.changed:
            parts.append(gettext("enrolment moved or mentor changed"))
        parts.append(gettext("invitation sent") if self.invitation_sent else gettext("already invited"))
        return ", ".join(parts)


def clean_email(value: object, *, field: str = "email") -> str:
    email = plain_text(value, field=field, max_length=254)
    try:
        validate_email(email)
    except ValidationError as error:
        message = gettext("“%(address)s” is not a valid e-mail address.") % {"address": email}
        raise ValidationError({field: message}) from error
    return email.lower()


def account_for_email(email: str) -> User | None:
    """The account that has this address (as its own or as one of its allauth addresses), or None."""
    users = list(
        User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email)).distinct()[:2]
    )
    if len(users) > 1:
        raise ValidationError(
            {"email": gettext("This address belongs to more than one account: fix that in admin.")}
        )
    return users[0] if users else None


def _account_create(*, email: str, name: str) -> User:
    username = get_adapter().generate_unique_username([name, email.split("@")[0], "learner"])
    user = User(username=username, email=email, name=name)
    user.set_unusable_password()  # until they choose one through the invitation (or sign in with SSO)
    weekly_streams_schedule(user=user)  # their first reminder at the site's Monday morning, not at once
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def learner_onboard(
    *, name: object, email: object, cohort: Cohort, mentor: User | None, invited_by: User
) -> Onboarding:
    """Create (or update) the account with this address, enrol it through `cohort` with `mentor`, and
    invite it — once: the same call again changes nothing and sends nothing. Every refusal is a
    ValidationError naming its field (name, email, cohort, mentor)."""
    name = plain_text(name, field="name", max_length=150, required=False)
    address = clean_email(email)
    with transaction.atomic():
        # Onboardings into one cohort take turns: two imports of one file at once find each other's rows.
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        user = account_for_email(address)
        account_created = account_updated = False
        if user is None:
            user = _account_create(email=address, name=name)
            account_created = True
        elif name and user.name != name:
            user_name_set(user=user, name=name)
            account_updated = True
        enrolment = cohort_enrol(cohort=cohort, learner=user, mentor=mentor, changed_by=invited_by)
        invitation = Invitation.objects.filter(user=user, cohort=cohort).first()
        sent = False
        if invitation is None:
            invitation = Invitation(user=user, cohort=cohort, email=address, invited_by=invited_by)
            try:
                with transaction.atomic():
                    _send(invitation, mentor=mentor or enrolment.enrolment.mentor)
            except IntegrityError:  # the same person invited at the same instant by another request
                invitation = Invitation.objects.get(user=user, cohort=cohort)
            else:
                sent = True
    return Onboarding(user, invitation, enrolment, account_created, account_updated, sent)


def _locked(invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("user", "cohort", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise ValidationError(gettext("This invitation no longer exists."))
    return invitation


def invitation_resend(*, invitation_id: int, by: User) -> Invitation:
    """Send the invitation again with a new link (the previous one stops working) and a new expiry.
    A revoked invitation is reinstated; an accepted one is refused."""
    with transaction.atomic():
        invitation = _locked(invitation_id)
        if invitation.status == Invitation.Status.ACCEPTED:
            raise ValidationError(
                gettext(
                    "%(address)s accepted this invitation already: they can log in (or reset their password)."
                )
                % {"address": invitation.email}
            )
        invitation.invited_by = by
        _send(invitation)
    return invitation


def invitation_revoke(*, invitation_id: int, by: User) -> Invitation:
    """Stop the invitation's link from working. The account and its enrolment stay (deactivate or
    unenrol them in admin)."""
    with transaction.atomic():
        invitation = _locked(invitation_id)
        if invitation.status == Invitation.Status.ACCEPTED:
            raise ValidationError(
                gettext("%(address)s accepted this invitation already: it cannot be revoked.")
                % {"address": invitation.email}
            )
        if invitation.status == Invitation.Status.REVOKED:
            raise ValidationError(gettext("This invitation is revoked already."))
        invitation.status = Invitation.Status.REVOKED
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["status", "revoked_at"])
    return invitation


class InvitationRefused(Exception):
    """An invitation link that does not (or no longer) work, with the reason and the HTTP status."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _usable(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationRefused(
            gettext("This invitation link is not valid: check that you copied all of it."), status=404
        )
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationRefused(
            gettext("This invitation was revoked. Ask the person who invited you for a new one."), status=410
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationRefused(
            gettext(
                "This invitation link was used already: log in with your e-mail address and password "
                "(or reset your password)."
            ),
            status=410,
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused(
            gettext("This invitation link has expired. Ask the person who invited you to send it again."),
            status=410,
        )
    return invitation


def invitation_for_token(*, token: str) -> Invitation:
    """The pending, unexpired invitation of this link, or InvitationRefused saying why not."""
    found = (
        Invitation.objects.select_related("user", "cohort").filter(token_hash=token_hash(token)).first()
        if 20 <= len(token) <= 100
        else None
    )
    return _usable(found)


def invitation_accept(*, token: str, password: str) -> User:
    """Use the link: the invited account gets `password` (checked by the site's password rules), its
    address is verified (the link reached it), and the invitation is accepted — once."""
    with transaction.atomic():
        found = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(token_hash=token_hash(token))
            .first()
            if 20 <= len(token) <= 100
            else None
        )
        invitation = _usable(found)
        user = invitation.user
        validate_password(password, user)
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email__iexact=invitation.email, defaults={"email": invitation.email, "verified": True}
        )
        invitation.status = Invitation.Status.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["status", "accepted_at"])
    return user


def invitations_accept_on_login(*, user: User) -> int:
    """A log-in by any means (a password set otherwise, single sign-on) accepts the person's pending
    invitations: their links then say so instead of offering to set a password."""
    return Invitation.objects.filter(user=user, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.ACCEPTED, accepted_at=timezone.now()
    )
