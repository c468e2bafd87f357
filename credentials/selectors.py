"""Reads: who may see which certificate (the one rule), public lookups, portfolios.

- `certificates_visible_to(user)`: the learner their own; a mentor those of the enrolments they mentor
  now (progress's one rule of a mentor's access); staff all. Pages and the API use it.
- The public (anyone, logged in or not) finds a certificate only by its unguessable `public_id`, and a
  portfolio only by its slug while it is public.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import User
from credentials.models import PUBLIC_ID_PATTERN, Certificate, Endorsement, Portfolio, PortfolioProject
from progress.scope import enrolments_visible_to
from projects.selectors import accepted_versions_of

PUBLIC_ID_RE = re.compile(rf"^{PUBLIC_ID_PATTERN}$")


def printed_name(user: User | None) -> str:
    """The name a certificate prints for a person: the name they gave, else their full name; "" when
    they gave none (never their e-mail address). A learner without one confirms the name to print."""
    if user is None:
        return ""
    return user.name.strip() or user.get_full_name().strip()


def signer_name(user: User | None) -> str:
    """Who a certificate (or an endorsement) says signed it: the mentor's printed name, else the
    organisation (`SITE_NAME`) — never "a mentor" nor an e-mail address."""
    return printed_name(user) or settings.SITE_NAME


def name_change_offered(*, certificate: Certificate, learner: User) -> str:
    """The learner's name now, when an issued certificate of theirs prints another one (a reissue is
    offered); "" otherwise."""
    now = printed_name(learner)
    if certificate.state != Certificate.State.ISSUED or not now or now == certificate.recipient_name:
        return ""
    return now


def _certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("phase", "replaced_by")


def certificates_visible_to(*, user: User) -> QuerySet[Certificate]:
    if not user.is_authenticated:
        return Certificate.objects.none()
    if user.is_staff:
        return _certificates()
    visible = enrolments_visible_to(user=user).values("pk")
    return _certificates().filter(Q(enrolment__in=visible) | Q(enrolment__learner=user))


def certificates_of(*, learner: User) -> QuerySet[Certificate]:
    """The learner's own certificates, newest first (the "my certificates" page), those awaiting the
    name to print included."""
    return _certificates().filter(enrolment__learner=learner).order_by("-issued_at", "-id")


def certificates_issued_of(*, learner: User) -> QuerySet[Certificate]:
    """The learner's issued certificates (valid or revoked), newest first: the API, the portfolio and
    its export (a certificate awaiting its name has no verification page, PDF or credential yet)."""
    return certificates_of(learner=learner).exclude(state=Certificate.State.AWAITING_NAME)


def certificates_awaiting_name(*, learner: User) -> QuerySet[Certificate]:
    return certificates_of(learner=learner).filter(state=Certificate.State.AWAITING_NAME)


def certificate_public_get(*, public_id: str) -> Certificate | None:
    """A certificate by its public identifier, for anyone; None for an unknown or malformed one, and
    for one not issued yet (awaiting the learner's name)."""
    if not isinstance(public_id, str) or not PUBLIC_ID_RE.match(public_id):
        return None
    issued = _certificates().exclude(state=Certificate.State.AWAITING_NAME)
    return issued.filter(public_id=public_id).first()


def revoked_status_indexes() -> list[int]:
    return list(Certificate.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True))


def phase_certificate_phase_ids(*, enrolment_id: int) -> set[int]:
    """The phases this enrolment has a phase certificate for (valid or revoked: signed off either way)."""
    return set(
        Certificate.objects.filter(enrolment_id=enrolment_id, kind=Certificate.Kind.PHASE).values_list(
            "phase_id", flat=True
        )
    )


def portfolio_get(*, learner: User) -> Portfolio | None:
    return Portfolio.objects.filter(learner=learner).first()


def portfolio_public_get(*, slug: str) -> Portfolio | None:
    """A public portfolio by its current slug; None when there is none, it is off, or the slug is old."""
    if not isinstance(slug, str) or len(slug) > 50:
        return None
    return Portfolio.objects.select_related("learner").filter(slug=slug, is_public=True).first()


def is_listed_publicly(*, certificate: Certificate) -> bool:
    """Listed on its learner's public portfolio: the verification page may then be indexed."""
    if not certificate.in_portfolio:
        return False
    return Portfolio.objects.filter(learner_id=certificate.enrolment.learner_id, is_public=True).exists()


@dataclass(frozen=True)
class CompletedPhase:
    number: int
    title: str
    first_week: int
    last_week: int
    signed_off_on: str
    """ISO (the export's); pages show `signed_off_day` through the `date` filter, in the reader's language."""

    @property
    def signed_off_day(self) -> date:
        return date.fromisoformat(self.signed_off_on)


def completed_phases_of(*, learner: User) -> list[CompletedPhase]:
    """Phases the learner completed: those with a valid phase certificate, once each, in order."""
    seen: dict[int, CompletedPhase] = {}
    certificates = (
        Certificate.objects.filter(
            enrolment__learner=learner, kind=Certificate.Kind.PHASE, revoked_at__isnull=True
        )
        .select_related("phase")
        .order_by("phase__number", "issued_at")
    )
    for certificate in certificates:
        phase = certificate.phase
        assert phase is not None
        seen.setdefault(
            phase.number,
            CompletedPhase(
                phase.number, phase.title, certificate.first_week, certificate.last_week,
                certificate.issued_at.date().isoformat(),
            ),
        )  # fmt: skip
    return list(seen.values())


@dataclass(frozen=True)
class ProjectItem:
    """An accepted project as the portfolio shows it, with the learner's choice and the mentor's words."""

    version_id: int
    title: str
    week: int
    repository_url: str
    commit: str
    rubric_total: int | None
    accepted_on: str
    """ISO ("" without a review; the export's); pages show `accepted_day` through the `date` filter."""
    summary: str
    is_public: bool
    endorsement: str
    endorsed_by: str

    @property
    def accepted_day(self) -> date | None:
        return date.fromisoformat(self.accepted_on) if self.accepted_on else None


def accepted_projects_of(*, learner: User) -> list[ProjectItem]:
    """The learner's accepted projects (projects' rule: `accepted_versions_of`), in week order, with what
    the learner chose for each (default: not shown) and the mentor's endorsement. Three queries."""
    versions = list(accepted_versions_of(learner=learner))
    ids = [version.pk for version in versions]
    choices = {choice.version_id: choice for choice in PortfolioProject.objects.filter(version_id__in=ids)}
    endorsements = {item.version_id: item for item in Endorsement.objects.filter(version_id__in=ids)}
    items = []
    for version in versions:
        choice, endorsement = choices.get(version.pk), endorsements.get(version.pk)
        review = getattr(version, "review", None)
        items.append(
            ProjectItem(
                version_id=version.pk, title=version.project.title, week=version.project.week.number,
                repository_url=version.repository_url, commit=version.commit,
                rubric_total=review.total_points if review else None,
                accepted_on=review.created_at.date().isoformat() if review else "",
                summary=choice.summary if choice else "", is_public=bool(choice and choice.is_public),
                endorsement=endorsement.text if endorsement else "",
                endorsed_by=endorsement.mentor_name if endorsement else "",
            )
        )  # fmt: skip
    return items


@dataclass(frozen=True)
class PublicPortfolio:
    """What an anonymous visitor sees: only the items the learner made public."""

    portfolio: Portfolio
    name: str
    certificates: list[Certificate]
    phases: list[CompletedPhase]
    projects: list[ProjectItem]


def public_portfolio(*, portfolio: Portfolio) -> PublicPortfolio:
    learner = portfolio.learner
    certificates = list(certificates_issued_of(learner=learner).filter(in_portfolio=True))
    shown = set(portfolio.show_phases)
    phases = [phase for phase in completed_phases_of(learner=learner) if phase.number in shown]
    projects = [item for item in accepted_projects_of(learner=learner) if item.is_public]
    name = printed_name(learner)
    return PublicPortfolio(portfolio, name, certificates, phases, projects)
