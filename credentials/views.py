"""Certificate pages: the learner's list and each certificate (PDF, signed credential, LinkedIn), staff's
revoke and re-issue, and the public side: the verification page, the credential, the issuer's profile,
key set and revocation list. Public pages are never cached (a revocation shows on the next request)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from credentials import openbadges, services, signing
from credentials.forms import NameConfirmForm, RevokeForm
from credentials.models import Certificate
from credentials.selectors import (
    certificate_public_get,
    certificates_of,
    certificates_visible_to,
    is_listed_publicly,
    name_change_offered,
    portfolio_get,
    printed_name,
    revoked_status_indexes,
)
from credentials.tasks import render_certificate_pdf
from lms.forms import add_validation_error

NOINDEX = "noindex, nofollow"
VC_JWT = "application/vc+jwt"


def _visible(request: HttpRequest, public_id: str) -> Certificate:
    return get_object_or_404(certificates_visible_to(user=request.user), public_id=public_id)  # type: ignore[arg-type]


def _public(public_id: str) -> Certificate:
    certificate = certificate_public_get(public_id=public_id)
    if certificate is None:
        raise Http404(gettext("No certificate has this identifier."))
    return certificate


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    """The learner's certificates; those awaiting the name to print ask for it here (one form confirms
    it for all of them)."""
    learner = request.user
    form = NameConfirmForm(initial={"name": printed_name(learner)})  # type: ignore[arg-type]
    status = 200
    if request.method == "POST":
        form = NameConfirmForm(request.POST)
        if form.is_valid():
            try:
                issued = services.certificates_name_confirm(learner=learner, name=form.cleaned_data["name"])  # type: ignore[arg-type]
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                titles = ", ".join(c.title_shown for c in issued)
                messages.success(request, gettext("Issued with your name: %(titles)s.") % {"titles": titles})
                return redirect("credentials:mine")
        status = 400
    certificates = list(certificates_of(learner=learner))  # type: ignore[arg-type]
    context = {
        "certificates": certificates,
        "awaiting": [c for c in certificates if c.is_awaiting_name],
        "renamable": [c for c in certificates if name_change_offered(certificate=c, learner=learner)],  # type: ignore[arg-type]
        "name_form": form,
        "portfolio": portfolio_get(learner=learner),  # type: ignore[arg-type]
    }
    return render(request, "credentials/my_certificates.html", context, status=status)


def _detail_context(request: HttpRequest, certificate: Certificate, **extra: Any) -> dict[str, Any]:
    return {
        "certificate": certificate,
        "is_owner": certificate.enrolment.learner_id == request.user.pk,
        "verification_url": openbadges.verification_url(certificate),
        "linkedin_url": openbadges.linkedin_add_url(certificate),
        "new_name": name_change_offered(certificate=certificate, learner=request.user)  # type: ignore[arg-type]
        if certificate.enrolment.learner_id == request.user.pk
        else "",
        "revoke_form": RevokeForm(),
        **extra,
    }


@login_required
def certificate_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    certificate = _visible(request, public_id)
    return render(request, "credentials/certificate.html", _detail_context(request, certificate))


@login_required
def certificate_pdf(request: HttpRequest, public_id: str) -> HttpResponse | FileResponse:
    """The stored PDF; when it is not (yet, or any more) in the storage, it is rendered again by the task
    and this page reloads until it is there."""
    certificate = _visible(request, public_id)
    if certificate.is_awaiting_name:
        messages.error(
            request,
            gettext("This certificate is not issued yet: its learner confirms the name to print first."),
        )
        return redirect("credentials:certificate", public_id=public_id)
    if not (certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name)):
        render_certificate_pdf.delay(certificate.pk)
        certificate.refresh_from_db(fields=["pdf"])  # rendered already when tasks run in-process
        if not (certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name)):
            return render(request, "credentials/pdf_pending.html", {"certificate": certificate}, status=202)
    filename = f"certificate-{certificate.public_id}.pdf"
    return FileResponse(
        certificate.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@require_POST
@login_required
def certificate_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied(gettext("Only staff can revoke a certificate."))
    certificate = _visible(request, public_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate,
                by=request.user,
                reason=form.cleaned_data["reason"],  # type: ignore[arg-type]
            )
        except ValidationError as error:  # refused by the lifecycle: said above the page too
            add_validation_error(form, error)
            for message in form.non_field_errors():
                messages.error(request, str(message))
    if form.errors:
        context = _detail_context(request, certificate, revoke_form=form)
        return render(request, "credentials/certificate.html", context, status=400)
    messages.success(request, gettext("The certificate is revoked; everyone who checks it sees why."))
    return redirect("credentials:certificate", public_id=public_id)


@require_POST
@login_required
def certificate_reissue(request: HttpRequest, public_id: str) -> HttpResponse:
    """Staff's "issue again", or the learner's reissue with their new name (the service decides)."""
    certificate = _visible(request, public_id)
    try:
        new = services.certificate_reissue(certificate=certificate, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:  # refused by the lifecycle (or its guards): 409, with the reason
        for message in error.messages:
            messages.error(request, message)
        context = _detail_context(request, certificate)
        return render(request, "credentials/certificate.html", context, status=409)
    messages.success(
        request, gettext("A new certificate is issued in place of the old one, which links to it.")
    )
    return redirect("credentials:certificate", public_id=new.public_id)


@never_cache
def verify(request: HttpRequest, public_id: str) -> HttpResponse:
    """The public verification page: anyone, no log-in; only the certificate's listed facts."""
    certificate = _public(public_id)
    indexable = is_listed_publicly(certificate=certificate)
    context = {
        "certificate": certificate,
        "indexable": indexable,
        "verification_url": openbadges.verification_url(certificate),
        "replaced_by": getattr(certificate, "replaced_by", None),
        "issuer_name": settings.SITE_NAME,
    }
    response = render(request, "credentials/verify.html", context)
    if not indexable:
        response["X-Robots-Tag"] = NOINDEX
    return response


def _jwt_response(token: str, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(token, content_type=VC_JWT)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = NOINDEX
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch it from their own pages
    return response


def _not_configured() -> HttpResponse:
    return HttpResponse(
        gettext("Signed credentials are not available: the site has no signing key yet."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )


@never_cache
def credential(request: HttpRequest, public_id: str) -> HttpResponse:
    """The Open Badges 3.0 credential, as a VC-JWT (the same bytes on every download)."""
    certificate = _public(public_id)
    try:
        token = openbadges.signed_credential(certificate)
    except signing.SigningKeyMissing:
        return _not_configured()
    return _jwt_response(token, filename=f"certificate-{certificate.public_id}.jwt")


def _json(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer(request: HttpRequest) -> JsonResponse:
    """The issuer's Open Badges profile, at the stable URL every credential names as its issuer."""
    return _json(openbadges.issuer_profile())


def jwks(request: HttpRequest) -> JsonResponse:
    """The public keys that verify the site's credentials (current and previous), as a JWK set."""
    return _json(signing.published_jwks())


@never_cache
def status_list(request: HttpRequest) -> HttpResponse:
    """The revocation list every credential points at (Bitstring Status List), signed as a VC-JWT."""
    document = openbadges.status_list_credential(revoked_status_indexes(), now=timezone.now())
    if request.GET.get("format") == "json":
        return _json(document)
    try:
        return _jwt_response(signing.sign(document))
    except signing.SigningKeyMissing:
        return _not_configured()
