"""The API: my certificates, my portfolio settings, and the public verification of any certificate."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from credentials import portfolio_services
from credentials.models import Certificate, Portfolio
from credentials.selectors import accepted_projects_of, certificate_public_get, certificates_issued_of
from credentials.serializers import MyCertificateSerializer, PortfolioSerializer, VerificationSerializer
from lms.api import NOT_FOUND


class MyCertificateList(generics.ListAPIView):
    """My certificates, newest first: status (valid or revoked, with when and why), the verification
    page, the signed credential (Open Badges 3.0 VC-JWT), the PDF and the LinkedIn link."""

    serializer_class = MyCertificateSerializer
    queryset = Certificate.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return certificates_issued_of(learner=self.request.user)  # type: ignore[arg-type]


def portfolio_data(portfolio: Portfolio) -> dict[str, Any]:
    return {
        "is_public": portfolio.is_public,
        "slug": portfolio.slug,
        "headline": portfolio.headline,
        "shown_phases": portfolio.show_phases,
        "shown_certificates": list(
            certificates_issued_of(learner=portfolio.learner)
            .filter(in_portfolio=True)
            .values_list("public_id", flat=True)
        ),
        "projects": [
            {"id": item.version_id, "title": item.title, "public": item.is_public, "summary": item.summary}
            for item in accepted_projects_of(learner=portfolio.learner)
        ],
        "url": settings.SITE_URL + reverse("credentials:portfolio-public", args=[portfolio.slug]),
    }


API_FIELDS = {"show_phases": "shown_phases", "certificates": "shown_certificates"}


class MyPortfolioView(APIView):
    @extend_schema(responses=PortfolioSerializer, summary="My portfolio settings (off until I publish it)")
    def get(self, request: Request) -> Response:
        return Response(portfolio_data(portfolio_services.portfolio_for(learner=request.user)))  # type: ignore[arg-type]

    @extend_schema(request=PortfolioSerializer, responses=PortfolioSerializer, summary="Change my portfolio")
    def patch(self, request: Request) -> Response:
        learner: User = request.user  # type: ignore[assignment]
        serializer = PortfolioSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():  # all of it or nothing
                portfolio = portfolio_services.portfolio_update(
                    portfolio=portfolio_services.portfolio_for(learner=learner),
                    learner=learner,
                    is_public=data.get("is_public"),
                    slug=data.get("slug"),
                    headline=data.get("headline"),
                    show_phases=data.get("shown_phases"),
                    certificate_ids=data.get("shown_certificates"),
                )
                if "projects" in data:
                    choices = {item["id"]: (item["public"], item.get("summary")) for item in data["projects"]}
                    portfolio_services.portfolio_projects_set(
                        portfolio=portfolio, learner=learner, choices=choices
                    )
        except ValidationError as error:  # the service's field names, as this API names them
            raise ValidationError(
                {API_FIELDS.get(field, field): messages for field, messages in error.message_dict.items()}
            ) from error
        return Response(portfolio_data(portfolio))


class CertificateVerification(APIView):
    """Anyone (no credentials needed): a certificate's public facts and status, by its identifier."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: VerificationSerializer, 404: NOT_FOUND},
        summary="Verify a certificate",
        auth=[],
    )
    def get(self, request: Request, public_id: str) -> Response:
        certificate = certificate_public_get(public_id=public_id)
        if certificate is None:
            raise Http404(gettext("No certificate has this identifier."))
        response = Response(VerificationSerializer(certificate).data)
        response["Cache-Control"] = "no-cache"
        response["X-Robots-Tag"] = "noindex"
        return response
