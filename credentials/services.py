"""Writes of certificates: issue them (from a mentor's sign-off), the learner's confirmation of the
name to print, revoke and reissue them, store their PDFs. Every write of a certificate's state asks its
lifecycle first (`credentials.lifecycle.CERTIFICATE`): a move it refuses raises its words
(`TransitionRefused`, a ValidationError). The portfolio's writes are `credentials.portfolio_services`.

Issuing is exactly once: the phase certificate is inserted in the caller's transaction (the sign-off's)
under the unique constraint "one valid certificate per enrolment and phase", so a sign-off that runs
twice — a double click, a retried request, two workers — finds the first one. The curriculum
certificate is issued in the same transaction as the sign-off that completes the set, with the
enrolment's row locked so that two sign-offs committing at once cannot both miss it.
"""

import logging
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.names import name_problem
from accounts.services import user_name_set
from credentials.lifecycle import CERTIFICATE, REISSUED_REASON
from credentials.models import Certificate, new_status_index
from credentials.selectors import phase_certificate_phase_ids, printed_name, signer_name
from curriculum.models import Phase, Week
from lms.lifecycle import LEARNER, STAFF, SYSTEM
from lms.locale import for_person
from notifications.services import notify
from progress.models import Enrolment
from projects.selectors import accepted_project_for

logger = logging.getLogger(__name__)


def _phase_criteria(phase: Phase, weeks: list[Week]) -> str:
    topics = "; ".join(f"week {week.number}: {week.topic}" for week in weeks)
    return (
        f"Completed every week of phase {phase.number} ({topics}), passed each week's quiz, and had the "
        "phase's work reviewed and signed off by a mentor."
    )


def accepted_project_title(*, enrolment: Enrolment, phase: Phase) -> str:
    """The title of the phase's accepted sign-off project under this enrolment ("" when it has none)."""
    version = accepted_project_for(enrolment_id=enrolment.pk, phase_id=phase.pk)
    return version.project.title if version else ""


def _insert_once(certificate: Certificate) -> tuple[Certificate, bool]:
    """Insert under the uniqueness constraints; when a valid one exists already, return that instead."""
    certificate.full_clean(validate_constraints=False, validate_unique=False)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate.save()
            return certificate, True
        except IntegrityError:
            existing = Certificate.objects.filter(
                enrolment=certificate.enrolment, phase=certificate.phase, revoked_at__isnull=True
            ).first()
            if existing is not None:
                return existing, False
            if not Certificate.objects.filter(status_index=certificate.status_index).exists():
                raise
            certificate.status_index = new_status_index()  # a taken bit of the revocation list: redraw
    raise RuntimeError("no free revocation list position after five draws")


def phase_certificate_issue(
    *, enrolment: Enrolment, phase: Phase, signed_by: User | None, replaces: Certificate | None = None
) -> tuple[Certificate, bool]:
    """The phase's certificate for this enrolment: made now, or the valid one it already has.
    Returns (certificate, whether it is new). A new one is issued at once when the learner has a name
    to print, else it awaits the learner's confirmation of one (`certificates_name_confirm`)."""
    weeks = list(Week.objects.filter(phase=phase).order_by("number"))
    if not weeks:
        raise ValidationError(gettext("Phase %(number)s has no weeks to certify.") % {"number": phase.number})
    certificate = Certificate(
        kind=Certificate.Kind.PHASE,
        enrolment=enrolment,
        phase=phase,
        title=f"Phase {phase.number}: {phase.title}",
        description=phase.description,
        criteria=_phase_criteria(phase, weeks),
        first_week=weeks[0].number,
        last_week=weeks[-1].number,
        project_title=accepted_project_title(enrolment=enrolment, phase=phase),
        signed_by=signed_by,
        signed_by_name=signer_name(signed_by),
        issued_at=timezone.now(),
        replaces=replaces,
    )
    return _create(certificate, name=_name_for(certificate, replaces=replaces))


def _name_for(certificate: Certificate, *, replaces: Certificate | None) -> str:
    """The name to print on a new certificate: the learner's now, else the one the certificate it
    replaces printed; "" (awaiting the learner's name) when neither has one."""
    return printed_name(certificate.enrolment.learner) or (replaces.recipient_name if replaces else "")


def _create(certificate: Certificate, *, name: str) -> tuple[Certificate, bool]:
    """Insert the certificate (awaiting a name) unless its valid twin exists (then that one is
    returned, not created); a new one is issued at once with `name`, or the learner is asked for it."""
    certificate.state = Certificate.State.AWAITING_NAME
    certificate.recipient_name = ""
    certificate, created = _insert_once(certificate)
    if created:
        if name:
            _issue(certificate, move="issue", actor=SYSTEM, name=name)
        else:
            _ask_for_name(certificate)
    return certificate, created


def _issue(certificate: Certificate, *, move: str, actor: str, name: str) -> None:
    """awaiting_name → issued (the table's `issue` or `confirm_name`) with `name` printed on it."""
    certificate.state = CERTIFICATE.check(state=certificate.state, move=move, actor=actor)
    certificate.recipient_name = name
    certificate.issued_at = timezone.now()
    certificate.save(update_fields=["state", "recipient_name", "issued_at"])
    _issued(certificate)


def curriculum_certificate_issue(
    *, enrolment: Enrolment, signed_by: User | None, replaces: Certificate | None = None
) -> tuple[Certificate, bool]:
    phases = list(Phase.objects.order_by("number"))
    weeks = list(Week.objects.order_by("number").values_list("number", flat=True))
    criteria = (
        f"Completed all {len(weeks)} weeks of the curriculum and had each of its {len(phases)} phases ("
        + "; ".join(f"{phase.number}: {phase.title}" for phase in phases)
        + ") signed off by a mentor."
    )
    certificate = Certificate(
        kind=Certificate.Kind.CURRICULUM,
        enrolment=enrolment,
        title=f"{settings.SITE_NAME}: the complete {len(weeks)}-week curriculum",
        description=f"Every phase of the {len(weeks)}-week {settings.SITE_NAME} curriculum, signed off.",
        criteria=criteria,
        first_week=weeks[0] if weeks else 1,
        last_week=weeks[-1] if weeks else 1,
        signed_by=signed_by,
        signed_by_name=signer_name(signed_by),
        issued_at=timezone.now(),
        replaces=replaces,
    )
    return _create(certificate, name=_name_for(certificate, replaces=replaces))


def certificates_issue_for_sign_off(
    *, enrolment: Enrolment, phase: Phase, signed_by: User | None
) -> list[Certificate]:
    """What a mentor's sign-off of a phase makes, in the caller's transaction: the phase certificate,
    and the curriculum certificate when every phase is now signed off (issued, or awaiting the
    learner's name). Returns the new ones."""
    made = []
    certificate, created = phase_certificate_issue(enrolment=enrolment, phase=phase, signed_by=signed_by)
    if created:
        made.append(certificate)
    # Serialise the "is every phase done?" question per enrolment: a concurrent sign-off of another
    # phase waits here and then sees this one's certificate.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    all_phases = set(Phase.objects.values_list("pk", flat=True))
    if all_phases and all_phases <= phase_certificate_phase_ids(enrolment_id=enrolment.pk):
        whole, created = curriculum_certificate_issue(enrolment=enrolment, signed_by=signed_by)
        if created:
            made.append(whole)
    return made


def _certificate_path(certificate: Certificate) -> str:
    return reverse("credentials:certificate", args=[certificate.public_id])


def _email_context(certificate: Certificate) -> dict[str, object]:
    learner = certificate.enrolment.learner
    path = _certificate_path(certificate)
    return {"certificate": certificate, "learner": learner, "url": settings.SITE_URL + path}


def _issued(certificate: Certificate) -> None:
    """After it is issued: tell the learner (a notice, and the e-mail their preference asks for; once
    per certificate) and render the PDF after commit."""
    # services ↔ tasks: the PDF is rendered by a task queued here, and the task calls the service that
    # renders it. Imported when queuing, so that neither module needs the other at import time.
    from credentials.tasks import render_certificate_pdf

    with for_person(certificate.enrolment.learner):  # their language and zone
        context = _email_context(certificate)
        title = {"title": certificate.title_shown}
        notify(
            recipient=certificate.enrolment.learner,
            kind="certificate_issued",
            key=f"certificate-issued:{certificate.pk}",
            text=gettext("Certificate issued: %(title)s. Download it, or share its verification page.")
            % title,
            link=_certificate_path(certificate),
            subject=gettext("Your certificate: %(title)s") % title,
            email_text=render_to_string("credentials/email/issued.txt", context),
            email_html=render_to_string("credentials/email/issued.html", context),
        )
    render_certificate_pdf.delay_on_commit(certificate.pk)


def _ask_for_name(certificate: Certificate) -> None:
    """A certificate awaiting its name: the learner is told (once) to confirm the name to print."""
    path = reverse("credentials:mine")
    # In the learner's language, not the signing mentor's whose request this runs in.
    with for_person(certificate.enrolment.learner):
        context = {**_email_context(certificate), "url": settings.SITE_URL + path}
        title = {"title": certificate.title_shown}
        notify(
            recipient=certificate.enrolment.learner,
            kind="certificate_issued",
            key=f"certificate-name:{certificate.pk}",
            text=gettext("Your certificate is ready: %(title)s. Confirm the name to print on it.") % title,
            link=path,
            subject=gettext("Confirm the name on your certificate: %(title)s") % title,
            email_text=render_to_string("credentials/email/confirm_name.txt", context),
        )


def certificates_name_confirm(*, learner: User, name: str) -> list[Certificate]:
    """The learner confirms the name to print: every certificate of theirs awaiting it is issued with it
    (`confirm_name`), and it becomes their display name when they had none (so later certificates
    are issued with it at once). Returns the certificates issued."""
    name = name.strip()
    problem = name_problem(name) if name else gettext("Give the name to print on your certificate.")
    name = re.sub(" {2,}", " ", name)  # runs of spaces as one (after the check: a line break stays refused)
    if problem:
        raise ValidationError({"name": problem})
    with transaction.atomic():
        waiting = list(
            Certificate.objects.select_for_update()
            .select_related("enrolment__learner")
            .filter(enrolment__learner=learner, state=Certificate.State.AWAITING_NAME)
            .order_by("issued_at", "pk")
        )
        if not waiting:
            raise ValidationError(gettext("No certificate of yours is waiting for a name."))
        if not learner.name.strip():
            user_name_set(user=learner, name=name)
        for certificate in waiting:
            _issue(certificate, move="confirm_name", actor=LEARNER, name=name)
    return waiting


def _actor(certificate: Certificate, user: User) -> str:
    """Who `user` is to this certificate's lifecycle: staff, or its learner; nobody else moves it."""
    if user.is_staff:
        return STAFF
    if certificate.enrolment.learner_id == user.pk:
        return LEARNER
    raise PermissionDenied(gettext("Only the certificate's learner or staff can do this."))


def _revoke(certificate: Certificate, *, move: str, actor: str, by: User | None, reason: str) -> None:
    certificate.state = CERTIFICATE.check(state=certificate.state, move=move, actor=actor)
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason
    certificate.pdf = ""
    certificate.save(update_fields=["state", "revoked_at", "revoked_by", "revocation_reason", "pdf"])


def _locked(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("phase", "enrolment__learner")
        .get(pk=certificate.pk)
    )


def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Staff only. The certificate stays (its pages say revoked, when and why); its PDF is made again
    with the revocation on it, and the learner is told (a notice and an e-mail, once per
    certificate). Revoking a revoked certificate is refused."""
    if not by.is_staff:
        raise PermissionDenied(gettext("Only staff can revoke a certificate."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": gettext("Say why the certificate is revoked: everyone who checks it sees it.")}
        )
    if len(reason) > 1000:
        raise ValidationError({"reason": gettext("Keep the reason under 1,000 characters.")})
    # services ↔ tasks: as in `_issued` (the revoked PDF is rendered again by the task).
    from credentials.tasks import render_certificate_pdf

    with transaction.atomic():
        locked = _locked(certificate)
        _revoke(locked, move="revoke", actor=STAFF, by=by, reason=reason)
        # In the learner's language and zone, not the staff member's whose request this runs in.
        with for_person(locked.enrolment.learner):
            context = _email_context(locked)
            notify(
                recipient=locked.enrolment.learner,
                kind="certificate_revoked",
                key=f"certificate-revoked:{locked.pk}",
                text=gettext("Your certificate “%(title)s” was revoked: %(reason)s")
                % {"title": locked.title_shown, "reason": reason},
                link=_certificate_path(locked),
                subject=gettext("Your certificate was revoked: %(title)s") % {"title": locked.title_shown},
                email_text=render_to_string("credentials/email/revoked.txt", context),
            )
        render_certificate_pdf.delay_on_commit(locked.pk)
    return locked


def certificate_reissue(*, certificate: Certificate, by: User) -> Certificate:
    """A new certificate (a new identifier, today's date, the learner's name now) in place of this one,
    which `replaces` links. An issued one — the learner after changing their name, or staff — is
    revoked with the reason "reissued" (`reissue`); a revoked one is issued again by staff, once
    (`issue_again`)."""
    actor = _actor(certificate, by)
    with transaction.atomic():
        old = _locked(certificate)
        if old.state == Certificate.State.REVOKED:
            CERTIFICATE.check(state=old.state, move="issue_again", actor=actor)
            if Certificate.objects.filter(replaces=old).exists():
                raise ValidationError(gettext("This certificate was issued again already."))
        else:
            CERTIFICATE.check(state=old.state, move="reissue", actor=actor)
            if actor == LEARNER and printed_name(by) in ("", old.recipient_name):
                raise ValidationError(
                    gettext("This certificate has your name already: change your name in Settings first.")
                )
            _revoke(old, move="reissue", actor=actor, by=by, reason=REISSUED_REASON)
        if old.kind == Certificate.Kind.PHASE:
            assert old.phase is not None
            new, created = phase_certificate_issue(
                enrolment=old.enrolment, phase=old.phase, signed_by=old.signed_by, replaces=old
            )
        else:
            new, created = curriculum_certificate_issue(
                enrolment=old.enrolment, signed_by=old.signed_by, replaces=old
            )
        if not created:
            raise ValidationError(gettext("A valid certificate for this exists already."))
    return new


def certificates_erase(*, learner: User, reason: str) -> None:
    """The account is erased: its certificates not revoked yet are revoked by the system (nobody is
    told: the learner asked), and none keeps a name."""
    with transaction.atomic():
        for certificate in (
            Certificate.objects.select_for_update()
            .filter(enrolment__learner=learner)
            .exclude(state=Certificate.State.REVOKED)
        ):
            _revoke(certificate, move="revoke", actor=SYSTEM, by=None, reason=reason)
        Certificate.objects.filter(enrolment__learner=learner).update(
            recipient_name="", in_portfolio=False, pdf=""
        )


def certificate_pdf_store(*, certificate_id: int) -> bool:
    """Render the certificate's PDF and keep it through the storage API, unless a stored one is there.
    Idempotent: False when nothing was to do (the certificate is gone, or its PDF exists)."""
    from credentials.openbadges import verification_url
    from credentials.pdf import certificate_pdf

    certificate = Certificate.objects.select_related("phase", "enrolment").filter(pk=certificate_id).first()
    if certificate is None or certificate.is_awaiting_name:
        return False
    if certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        return False
    content = certificate_pdf(certificate, verification_url=verification_url(certificate))
    name = f"certificates/{certificate.public_id}-{certificate.status}.pdf"
    storage = certificate.pdf.storage
    if storage.exists(name):
        storage.delete(name)
    stored = storage.save(name, ContentFile(content))
    Certificate.objects.filter(pk=certificate.pk).update(pdf=stored)
    return True


def certificate_portfolio_set(*, certificate: Certificate, learner: User, shown: bool) -> None:
    if certificate.enrolment.learner_id != learner.pk:
        raise PermissionDenied(gettext("Only the learner chooses what their portfolio shows."))
    Certificate.objects.filter(pk=certificate.pk).update(in_portfolio=shown)
