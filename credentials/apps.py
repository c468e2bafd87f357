from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Certificates and portfolios"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from credentials import checks  # noqa: F401 (registers the signing key's system checks)
        from credentials.models import Certificate, Portfolio

        # Audit trail: who revoked a certificate, and every change of what a learner makes public.
        auditlog.register(Certificate, include_fields=["revoked_at", "revoked_by", "revocation_reason"])
        auditlog.register(Portfolio, include_fields=["is_public", "slug"])
