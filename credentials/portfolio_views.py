"""Portfolio pages: the learner's settings (what is public, item by item), the public page by slug,
and the learner's export (JSON and a printable page). The public page is never cached: turning the
portfolio off, or changing its address, takes effect on the next request."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from accounts.models import User
from credentials import openbadges, portfolio_services
from credentials.forms import EndorsementForm, PortfolioForm
from credentials.models import Certificate, Endorsement
from credentials.portfolio_addresses import portfolio_of_retired_address
from credentials.selectors import (
    accepted_projects_of,
    certificates_issued_of,
    completed_phases_of,
    portfolio_public_get,
    public_portfolio,
)
from lms.forms import add_validation_error


@login_required
def portfolio_settings(request: HttpRequest) -> HttpResponse:
    learner: User = request.user  # type: ignore[assignment]
    portfolio = portfolio_services.portfolio_for(learner=learner)
    certificates = list(certificates_issued_of(learner=learner))
    phases = completed_phases_of(learner=learner)
    projects = accepted_projects_of(learner=learner)
    initial = {
        "is_public": portfolio.is_public,
        "slug": portfolio.slug,
        "headline": portfolio.headline,
        "certificates": [c.public_id for c in certificates if c.in_portfolio],
        "phases": portfolio.show_phases,
    }
    form = PortfolioForm(
        request.POST or None, initial=initial, certificates=certificates, phases=phases, projects=projects
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # all of it or nothing
                portfolio_services.portfolio_update(
                    portfolio=portfolio, learner=learner, is_public=data["is_public"], slug=data["slug"],
                    headline=data["headline"], show_phases=data["phases"],
                    certificate_ids=data["certificates"],
                )  # fmt: skip
                portfolio_services.portfolio_projects_set(
                    portfolio=portfolio, learner=learner, choices=form.project_choices()
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):  # the service's field names, as this form names them
                names = {"show_phases": "phases"}
                error = ValidationError({names.get(k, k): v for k, v in error.error_dict.items()})
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                gettext("Portfolio saved.")
                if portfolio.is_public
                else gettext("Portfolio saved (not public)."),
            )
            return redirect("credentials:portfolio")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "portfolio": portfolio}
    return render(request, "credentials/portfolio_settings.html", context, status=status)


@never_cache
def portfolio_public(request: HttpRequest, slug: str) -> HttpResponse:
    portfolio = portfolio_public_get(slug=slug)
    if portfolio is None:
        moved = portfolio_of_retired_address(slug=slug)  # an old address: still its owner's
        if moved is not None:
            return redirect("credentials:portfolio-public", slug=moved.slug, permanent=True)
        raise Http404(gettext("No public portfolio has this address."))
    return render(
        request, "credentials/portfolio_public.html", {"view": public_portfolio(portfolio=portfolio)}
    )


def certificate_export(certificate: Certificate, *, include_credential: bool = True) -> dict[str, Any]:
    data = {
        "id": certificate.public_id,
        "kind": certificate.kind,
        "title": certificate.title,
        "recipient_name": certificate.recipient_name,
        "weeks": [certificate.first_week, certificate.last_week],
        "project_title": certificate.project_title,
        "signed_by": certificate.signed_by_name,
        "issued_at": certificate.issued_at.isoformat(),
        "status": certificate.status,
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revocation_reason": certificate.revocation_reason,
        "in_portfolio": certificate.in_portfolio,
        "verification_url": openbadges.verification_url(certificate),
        "credential_url": openbadges.credential_url(certificate),
    }
    return data


def _export(learner: User) -> dict[str, Any]:
    portfolio = portfolio_services.portfolio_for(learner=learner)
    return {
        "exported_at": timezone.now().isoformat(),
        "learner": {"name": learner.display_name, "email": learner.email},
        "portfolio": {
            "is_public": portfolio.is_public,
            "slug": portfolio.slug,
            "headline": portfolio.headline,
            "shown_phases": portfolio.show_phases,
        },
        "phases_completed": [phase.__dict__ for phase in completed_phases_of(learner=learner)],
        "certificates": [certificate_export(c) for c in certificates_issued_of(learner=learner)],
        "projects": [item.__dict__ for item in accepted_projects_of(learner=learner)],
    }


@login_required
def portfolio_export_json(request: HttpRequest) -> HttpResponse:
    data = _export(request.user)  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="portfolio.json"'
    return response


@login_required
def portfolio_print(request: HttpRequest) -> HttpResponse:
    learner: User = request.user  # type: ignore[assignment]
    context = {
        "portfolio": portfolio_services.portfolio_for(learner=learner),
        "certificates": [
            (c, openbadges.verification_url(c)) for c in certificates_issued_of(learner=learner)
        ],
        "phases": completed_phases_of(learner=learner),
        "projects": accepted_projects_of(learner=learner),
        "now": timezone.now(),
    }
    return render(request, "credentials/portfolio_print.html", context)


@login_required
def project_endorse(request: HttpRequest, version_id: int) -> HttpResponse:
    """The learner's mentor (or staff) endorses an accepted project: words an employer may read."""
    from projects.selectors import can_review, versions_visible_to

    user: User = request.user  # type: ignore[assignment]
    version = versions_visible_to(user=user).filter(pk=version_id).first()
    if version is None or version.status != "accepted" or not can_review(user=user, version=version):
        raise Http404(gettext("No accepted project of a learner of yours has this number."))
    existing = Endorsement.objects.filter(version_id=version.pk).first()
    form = EndorsementForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            portfolio_services.endorsement_save(
                mentor=user, version_id=version.pk, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, gettext("Endorsement saved: it shows with the project if the learner publishes it.")
            )
            return redirect(version.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "version": version, "existing": existing}
    return render(request, "credentials/endorse.html", context, status=status)
