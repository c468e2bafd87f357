from django.urls import path, register_converter

from credentials import portfolio_views, views
from credentials.models import PUBLIC_ID_PATTERN


class CertificateIdConverter:
    """A certificate's public identifier; anything else matches no URL (404)."""

    regex = PUBLIC_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CertificateIdConverter, "certificate_id")

app_name = "credentials"

urlpatterns = [
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/<certificate_id:public_id>/", views.certificate_detail, name="certificate"),
    path("certificates/<certificate_id:public_id>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<certificate_id:public_id>/revoke/", views.certificate_revoke, name="revoke"),
    path("certificates/<certificate_id:public_id>/reissue/", views.certificate_reissue, name="reissue"),
    # Public: the verification page and the signed credential, by the unguessable identifier.
    path("verify/<certificate_id:public_id>/", views.verify, name="verify"),
    path("verify/<certificate_id:public_id>/credential.jwt", views.credential, name="credential"),
    # Public and stable: the issuer's profile, its keys and the revocation list (credentials name them).
    path("credentials/issuer/", views.issuer, name="issuer"),
    path("credentials/issuer/jwks.json", views.jwks, name="jwks"),
    path("credentials/status/revocation/", views.status_list, name="status-list"),
    # Portfolio: the learner's settings and export; the public page by slug.
    path("portfolio/", portfolio_views.portfolio_settings, name="portfolio"),
    path("portfolio/export.json", portfolio_views.portfolio_export_json, name="portfolio-export"),
    path("portfolio/print/", portfolio_views.portfolio_print, name="portfolio-print"),
    path("people/<str:slug>/", portfolio_views.portfolio_public, name="portfolio-public"),
    # The learner's mentor endorses an accepted project (shown on the portfolio with it).
    path("portfolio/projects/<int:version_id>/endorse/", portfolio_views.project_endorse, name="endorse"),
]
