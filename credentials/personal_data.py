"""A learner's certificates (with their stored PDFs), portfolio and endorsements: exported, and erased
with their account (the protocol: accounts/personal_data.py).

An erased account's certificates are revoked, not deleted: whoever was shown one can still check it and
learns only that it is no longer valid — the verification page then names nobody (`recipient_name` is
blank, which the page and the API treat as "no name to show").
"""

from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from credentials.models import Certificate, Endorsement, Portfolio, PortfolioProject
from credentials.openbadges import verification_url
from credentials.services import certificates_erase
from lms.personal_data import Export, Identity, StoredFile, iso

ERASED_REVOCATION_REASON = "Withdrawn at the holder's request."


def export(user: User) -> Export:
    certificates, files = [], []
    for certificate in (
        Certificate.objects.filter(enrolment__learner=user)
        .select_related("phase")
        .order_by("issued_at", "pk")
    ):
        pdf = None
        if certificate.pdf:
            pdf = f"files/certificates/{certificate.public_id}.pdf"
            files.append(StoredFile(path=pdf, name=certificate.pdf.name))
        certificates.append(
            {
                "id": certificate.public_id,
                "kind": certificate.kind,
                "title": certificate.title,
                "recipient_name": certificate.recipient_name,
                "phase": certificate.phase.number if certificate.phase else None,
                "weeks": [certificate.first_week, certificate.last_week],
                "project_title": certificate.project_title,
                "signed_by": certificate.signed_by_name,
                "issued_at": iso(certificate.issued_at),
                "status": certificate.status,
                "state": certificate.state,
                "revoked_at": iso(certificate.revoked_at),
                "revocation_reason": certificate.revocation_reason,
                "in_portfolio": certificate.in_portfolio,
                "verification_url": verification_url(certificate),
                "pdf": pdf,
            }
        )
    portfolio = Portfolio.objects.filter(learner=user).first()
    portfolio_data = None
    if portfolio is not None:
        portfolio_data = {
            "address": portfolio.slug,
            "is_public": portfolio.is_public,
            "headline": portfolio.headline,
            "show_phases": portfolio.show_phases,
            "projects": [
                {"version": item.version_id, "summary": item.summary, "is_public": item.is_public}
                for item in PortfolioProject.objects.filter(portfolio=portfolio).order_by("pk")
            ],
        }
    endorsements = [
        {"version": item.version_id, "mentor": item.mentor_name, "text": item.text,
         "updated_at": iso(item.updated_at)}
        for item in Endorsement.objects.filter(version__enrolment__learner=user).order_by("pk")
    ]  # fmt: skip
    return Export(
        records={
            "certificates": {
                "certificates": certificates,
                "portfolio": portfolio_data,
                "endorsements": endorsements,
            }
        },
        files=files,
    )


def erase(user: User, *, identity: Identity) -> list[str]:
    """Certificates are revoked (now, by nobody, for a neutral reason) and keep no name; their PDFs, the
    portfolio and the endorsements of the learner's projects are deleted."""
    certificates = Certificate.objects.filter(enrolment__learner=user)
    names = [name for name in certificates.values_list("pdf", flat=True) if name]
    certificates_erase(learner=user, reason=ERASED_REVOCATION_REASON)
    Portfolio.objects.filter(learner=user).delete()
    Endorsement.objects.filter(version__enrolment__learner=user).delete()
    return names


def owned(user: User) -> list[QuerySet[Any]]:
    return [Certificate.objects.filter(enrolment__learner=user), Portfolio.objects.filter(learner=user)]
