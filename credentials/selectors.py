"""Reads: who may see which certificate (the one rule), public lookups, portfolios.

- `certificates_visible_to(user)`: the learner their own; a mentor those of the enrolments they mentor
  now (progress's one rule of a mentor's access); staff all. Pages and the API use it.
- The public (anyone, logged in or not) finds a certificate only by its unguessable `public_id`, and a
  portfolio only by its slug while it is public.
"""

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from credentials.models import PUBLIC_ID_PATTERN, Certificate, Portfolio
from progress.selectors import enrolments_visible_to

PUBLIC_ID_RE = re.compile(rf"^{PUBLIC_ID_PATTERN}$")


UNNAMED_LEARNER = "A learner"
UNNAMED_MENTOR = "A mentor"


def public_name(user: User | None, *, unnamed: str) -> str:
    """How certificates and portfolios name a person: the name they gave, else their full name — never
    their e-mail address (which `User.display_name` falls back to), but `unnamed`."""
    if user is None:
        return unnamed
    return user.name.strip() or user.get_full_name() or unnamed


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
    """The learner's own certificates, newest first (the "my certificates" page and API)."""
    return _certificates().filter(enrolment__learner=learner).order_by("-issued_at", "-id")


def certificate_public_get(*, public_id: str) -> Certificate | None:
    """A certificate by its public identifier, for anyone; None for an unknown or malformed one."""
    if not isinstance(public_id, str) or not PUBLIC_ID_RE.match(public_id):
        return None
    return _certificates().filter(public_id=public_id).first()


def revoked_status_indexes() -> list[int]:
    return list(Certificate.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True))


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
class PublicPortfolio:
    """What an anonymous visitor sees: only the items the learner made public."""

    portfolio: Portfolio
    name: str
    certificates: list[Certificate]
    phases: list[CompletedPhase]


def public_portfolio(*, portfolio: Portfolio) -> PublicPortfolio:
    learner = portfolio.learner
    certificates = list(certificates_of(learner=learner).filter(in_portfolio=True))
    shown = set(portfolio.show_phases)
    phases = [phase for phase in completed_phases_of(learner=learner) if phase.number in shown]
    return PublicPortfolio(portfolio, public_name(learner, unnamed=UNNAMED_LEARNER), certificates, phases)
