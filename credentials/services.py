"""Writes: issue certificates (from a mentor's sign-off), revoke and re-issue them, store their PDFs,
and the learner's portfolio choices.

Issuing is exactly once: the phase certificate is inserted in the caller's transaction (the sign-off's)
under the unique constraint "one valid certificate per enrolment and phase", so a sign-off that runs
twice — a double click, a retried request, two workers — finds the first one. The curriculum
certificate is issued in the same transaction as the sign-off that completes the set, with the
enrolment's row locked so that two sign-offs committing at once cannot both miss it.
"""

import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from credentials.models import Certificate, Endorsement, Portfolio, PortfolioProject, new_status_index
from credentials.portfolio_addresses import TAKEN, address_claim, address_held_by_another
from credentials.selectors import (
    UNNAMED_LEARNER,
    UNNAMED_MENTOR,
    completed_phases_of,
    phase_certificate_phase_ids,
    public_name,
)
from curriculum.models import Phase, Week
from lms.locale import for_person
from notifications.services import notify
from progress.models import Enrolment
from projects.selectors import accepted_project_for, accepted_versions_of, can_review

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
    """The phase's certificate for this enrolment: issued now, or the valid one it already has.
    Returns (certificate, whether it is new)."""
    weeks = list(Week.objects.filter(phase=phase).order_by("number"))
    if not weeks:
        raise ValidationError(f"Phase {phase.number} has no weeks to certify.")
    certificate = Certificate(
        kind=Certificate.Kind.PHASE,
        enrolment=enrolment,
        phase=phase,
        recipient_name=public_name(enrolment.learner, unnamed=UNNAMED_LEARNER),
        title=f"Phase {phase.number}: {phase.title}",
        description=phase.description,
        criteria=_phase_criteria(phase, weeks),
        first_week=weeks[0].number,
        last_week=weeks[-1].number,
        project_title=accepted_project_title(enrolment=enrolment, phase=phase),
        signed_by=signed_by,
        signed_by_name=public_name(signed_by, unnamed=UNNAMED_MENTOR),
        issued_at=timezone.now(),
        replaces=replaces,
    )
    return _issue(certificate)


def _issue(certificate: Certificate) -> tuple[Certificate, bool]:
    """Insert the certificate unless its valid twin exists (then that one is returned, not created);
    a new one is announced and its PDF made after the commit."""
    certificate, created = _insert_once(certificate)
    if created:
        _issued(certificate)
    return certificate, created


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
        recipient_name=public_name(enrolment.learner, unnamed=UNNAMED_LEARNER),
        title=f"{settings.SITE_NAME}: the complete {len(weeks)}-week curriculum",
        description=f"Every phase of the {len(weeks)}-week {settings.SITE_NAME} curriculum, signed off.",
        criteria=criteria,
        first_week=weeks[0] if weeks else 1,
        last_week=weeks[-1] if weeks else 1,
        signed_by=signed_by,
        signed_by_name=public_name(signed_by, unnamed=UNNAMED_MENTOR),
        issued_at=timezone.now(),
        replaces=replaces,
    )
    return _issue(certificate)


def certificates_issue_for_sign_off(
    *, enrolment: Enrolment, phase: Phase, signed_by: User | None
) -> list[Certificate]:
    """What a mentor's sign-off of a phase issues, in the caller's transaction: the phase certificate,
    and the curriculum certificate when every phase is now signed off. Returns the new ones."""
    issued = []
    certificate, created = phase_certificate_issue(enrolment=enrolment, phase=phase, signed_by=signed_by)
    if created:
        issued.append(certificate)
    # Serialise the "is every phase done?" question per enrolment: a concurrent sign-off of another
    # phase waits here and then sees this one's certificate.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    all_phases = set(Phase.objects.values_list("pk", flat=True))
    if all_phases and all_phases <= phase_certificate_phase_ids(enrolment_id=enrolment.pk):
        whole, created = curriculum_certificate_issue(enrolment=enrolment, signed_by=signed_by)
        if created:
            issued.append(whole)
    return issued


def _issued(certificate: Certificate) -> None:
    """After an insert: tell the learner (a notice, and the e-mail their preference asks for; once per
    certificate) and render the PDF after commit."""
    # services ↔ tasks: the PDF is rendered by a task queued here, and the task calls the service that
    # renders it. Imported when queuing, so that neither module needs the other at import time.
    from credentials.tasks import render_certificate_pdf

    learner = certificate.enrolment.learner
    path = reverse("credentials:certificate", args=[certificate.public_id])
    with for_person(learner):  # their language and zone
        context = {"certificate": certificate, "learner": learner, "url": settings.SITE_URL + path}
        notify(
            recipient=learner,
            kind="certificate_issued",
            key=f"certificate-issued:{certificate.pk}",
            text=f"Certificate issued: {certificate.title}. Download it, or share its verification page.",
            link=path,
            subject=f"Your certificate: {certificate.title}",
            email_text=render_to_string("credentials/email/issued.txt", context),
            email_html=render_to_string("credentials/email/issued.html", context),
        )
    render_certificate_pdf.delay_on_commit(certificate.pk)


def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Staff only. The certificate stays (its pages say revoked, when and why); its PDF is made again
    with the revocation on it. Revoking a revoked certificate changes nothing."""
    if not by.is_staff:
        raise PermissionDenied("Only staff can revoke a certificate.")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why the certificate is revoked: everyone who checks it sees it."}
        )
    if len(reason) > 1000:
        raise ValidationError({"reason": "Keep the reason under 1,000 characters."})
    # services ↔ tasks: as in `_issued` (the revoked PDF is rendered again by the task).
    from credentials.tasks import render_certificate_pdf

    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = by
            locked.revocation_reason = reason
            locked.pdf = ""
            locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason", "pdf"])
            render_certificate_pdf.delay_on_commit(locked.pk)
    return locked


def certificate_reissue(*, certificate: Certificate, by: User) -> Certificate:
    """Staff only: a new certificate (a new identifier) for what a revoked one certified, signed by the
    same mentor, with today's date. The revoked one stays revoked."""
    if not by.is_staff:
        raise PermissionDenied("Only staff can re-issue a certificate.")
    with transaction.atomic():
        revoked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("phase", "enrolment")
            .get(pk=certificate.pk)
        )
        if not revoked.is_revoked:
            raise ValidationError("Only a revoked certificate can be issued again.")
        if Certificate.objects.filter(replaces=revoked).exists():
            raise ValidationError("This certificate was issued again already.")
        if revoked.kind == Certificate.Kind.PHASE:
            assert revoked.phase is not None
            new, created = phase_certificate_issue(
                enrolment=revoked.enrolment,
                phase=revoked.phase,
                signed_by=revoked.signed_by,
                replaces=revoked,
            )
        else:
            new, created = curriculum_certificate_issue(
                enrolment=revoked.enrolment, signed_by=revoked.signed_by, replaces=revoked
            )
        if not created:
            raise ValidationError("A valid certificate for this exists already.")
    return new


def certificate_pdf_store(*, certificate_id: int) -> bool:
    """Render the certificate's PDF and keep it through the storage API, unless a stored one is there.
    Idempotent: False when nothing was to do (the certificate is gone, or its PDF exists)."""
    from credentials.openbadges import verification_url
    from credentials.pdf import certificate_pdf

    certificate = Certificate.objects.select_related("phase", "enrolment").filter(pk=certificate_id).first()
    if certificate is None:
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
        raise PermissionDenied("Only the learner chooses what their portfolio shows.")
    Certificate.objects.filter(pk=certificate.pk).update(in_portfolio=shown)


# --- Portfolios: created off, with a slug that gives nothing away; changed only by their learner; an old
# slug stays theirs and redirects to the new one (credentials.portfolio_addresses).
def _default_slug(learner: User) -> str:
    """From the name the learner gave (never their e-mail address), with a random suffix."""
    given = learner.name.strip() or learner.get_full_name()
    base = slugify(given)[:30].strip("-") or "learner"
    return f"{base}-{secrets.token_hex(3)}"


def portfolio_for(*, learner: User) -> Portfolio:
    """The learner's portfolio, created (off, nothing chosen) on first use."""
    portfolio = Portfolio.objects.filter(learner=learner).first()
    if portfolio is not None:
        return portfolio
    for _ in range(5):
        try:
            with transaction.atomic():
                portfolio = Portfolio.objects.create(learner=learner, slug=_default_slug(learner))
                address_claim(portfolio=portfolio, slug=portfolio.slug)
                return portfolio
        except (IntegrityError, ValidationError):  # the slug is, or was, another portfolio's
            existing = Portfolio.objects.filter(learner=learner).first()
            if existing is not None:  # created by a concurrent request
                return existing
    raise RuntimeError("no free portfolio slug after five tries")


def portfolio_update(
    *,
    portfolio: Portfolio,
    learner: User,
    is_public: bool | None = None,
    slug: str | None = None,
    headline: str | None = None,
    show_phases: list[int] | None = None,
    certificate_ids: list[str] | None = None,
) -> Portfolio:
    """Change what the portfolio shows (arguments left None stay as they are). `certificate_ids` are
    public ids of the learner's certificates to list; the others are unlisted."""
    if portfolio.learner_id != learner.pk:
        raise PermissionDenied("Only the learner changes their portfolio.")
    if is_public is not None:
        portfolio.is_public = is_public
    if slug is not None:
        portfolio.slug = slug.strip().lower()
        if address_held_by_another(portfolio=portfolio, slug=portfolio.slug):  # another's, now or before
            raise ValidationError({"slug": TAKEN})
    if headline is not None:
        portfolio.headline = headline.strip()
    if show_phases is not None:
        completed = {phase.number for phase in completed_phases_of(learner=learner)}
        unknown = sorted(set(show_phases) - completed)
        if unknown:
            raise ValidationError(
                {"show_phases": f"Not a phase you completed: {', '.join(map(str, unknown))}."}
            )
        portfolio.show_phases = sorted(set(show_phases))
    own = Certificate.objects.filter(enrolment__learner=learner)
    if certificate_ids is not None:
        wanted = set(certificate_ids)
        unknown_ids = wanted - set(own.filter(public_id__in=wanted).values_list("public_id", flat=True))
        if unknown_ids:
            raise ValidationError({"certificates": "Not one of your certificates."})
    portfolio.full_clean(exclude=["learner"])
    try:
        with transaction.atomic():
            portfolio.save()
            address_claim(portfolio=portfolio, slug=portfolio.slug)
            if certificate_ids is not None:
                own.filter(public_id__in=certificate_ids).update(in_portfolio=True)
                own.exclude(public_id__in=certificate_ids).update(in_portfolio=False)
    except IntegrityError as error:  # a concurrent request took the slug between the check and the save
        raise ValidationError({"slug": TAKEN}) from error
    return portfolio


def portfolio_projects_set(
    *, portfolio: Portfolio, learner: User, choices: dict[int, tuple[bool, str | None]]
) -> None:
    """The learner's choice for each of their accepted projects: {version id: (shown, summary)}; a summary
    of None stays as it was."""
    if portfolio.learner_id != learner.pk:
        raise PermissionDenied("Only the learner changes their portfolio.")
    accepted = set(accepted_versions_of(learner=learner).values_list("pk", flat=True))
    if set(choices) - accepted:
        raise ValidationError({"projects": "Not one of your accepted projects."})
    if any(summary and len(summary) > 2000 for _shown, summary in choices.values()):
        raise ValidationError({"projects": "Keep each summary under 2,000 characters."})
    with transaction.atomic():
        for version_id, (shown, summary) in choices.items():
            defaults: dict[str, object] = {"portfolio": portfolio, "is_public": shown}
            if summary is not None:
                defaults["summary"] = summary.strip()
            PortfolioProject.objects.update_or_create(version_id=version_id, defaults=defaults)


def endorsement_save(*, mentor: User, version_id: int, text: str) -> Endorsement:
    """A mentor's endorsement of an accepted project (their reviewer's rule: the enrolment's current
    mentor, or staff); written again, it replaces the words."""
    from projects.models import Version

    version = Version.objects.select_related("enrolment").filter(pk=version_id).first()
    if version is None or not can_review(user=mentor, version=version):
        raise PermissionDenied("Only the learner's mentor can endorse their project.")
    if version.status != Version.Status.ACCEPTED:
        raise ValidationError("Only an accepted project can be endorsed.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write what you would tell an employer about this work."})
    if len(text) > 2000:
        raise ValidationError({"text": "Keep it under 2,000 characters."})
    endorsement, _ = Endorsement.objects.update_or_create(
        version_id=version.pk,
        defaults={"mentor": mentor, "mentor_name": public_name(mentor, unnamed=UNNAMED_MENTOR), "text": text},
    )
    return endorsement
