from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from rest_framework import serializers

from credentials import openbadges
from credentials.models import Certificate, validate_slug


class VerificationSerializer(serializers.ModelSerializer):
    """What anyone may know of a certificate: the verification page's facts, as JSON."""

    id = serializers.CharField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=Certificate.Status.choices, read_only=True)
    recipient_name = serializers.CharField(read_only=True)
    achievement = serializers.CharField(source="title", read_only=True)
    weeks = serializers.SerializerMethodField()
    issued_on = serializers.SerializerMethodField()
    revoked_on = serializers.SerializerMethodField()
    issuer = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()
    credential_url = serializers.SerializerMethodField()
    replaced_by = serializers.SerializerMethodField(help_text="The id of the one issued in its place.")

    class Meta:
        model = Certificate
        fields = [
            "id", "status", "recipient_name", "achievement", "kind", "weeks", "project_title",
            "issued_on", "signed_by_name", "revoked_on", "revocation_reason", "issuer",
            "verification_url", "credential_url", "replaced_by",
        ]  # fmt: skip
        read_only_fields = fields

    def get_weeks(self, certificate: Certificate) -> list[int]:
        return [certificate.first_week, certificate.last_week]

    def get_issued_on(self, certificate: Certificate) -> str:
        return certificate.issued_at.date().isoformat()

    def get_revoked_on(self, certificate: Certificate) -> str | None:
        return certificate.revoked_at.date().isoformat() if certificate.revoked_at else None

    def get_issuer(self, certificate: Certificate) -> str:
        return settings.SITE_NAME

    def get_verification_url(self, certificate: Certificate) -> str:
        return openbadges.verification_url(certificate)

    def get_credential_url(self, certificate: Certificate) -> str:
        return openbadges.credential_url(certificate)

    def get_replaced_by(self, certificate: Certificate) -> str | None:
        replacement = getattr(certificate, "replaced_by", None)
        return replacement.public_id if replacement else None


class MyCertificateSerializer(VerificationSerializer):
    """The learner's own certificates: the public facts, plus their downloads and portfolio choice."""

    pdf_url = serializers.SerializerMethodField()
    linkedin_url = serializers.SerializerMethodField()

    class Meta(VerificationSerializer.Meta):
        fields = [*VerificationSerializer.Meta.fields, "in_portfolio", "pdf_url", "linkedin_url"]
        read_only_fields = fields

    def get_pdf_url(self, certificate: Certificate) -> str:
        return settings.SITE_URL + reverse("credentials:pdf", args=[certificate.public_id])

    def get_linkedin_url(self, certificate: Certificate) -> str:
        return openbadges.linkedin_add_url(certificate)


class PortfolioProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, help_text="The accepted version's id."
    )
    title = serializers.CharField(read_only=True)
    public = serializers.BooleanField()
    summary = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """`id` and `public` are required even in a partial update of the portfolio (DRF's `partial`
        reaches the list's children and would let an entry without them through)."""
        missing = {name: gettext("This field is required.") for name in ("id", "public") if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class PortfolioSerializer(serializers.Serializer):
    """The learner's portfolio settings. Writes change only the fields given."""

    is_public = serializers.BooleanField(required=False)
    slug = serializers.CharField(required=False, max_length=50, validators=[validate_slug])
    headline = serializers.CharField(required=False, allow_blank=True, max_length=200)
    shown_phases = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=1000), required=False, max_length=100,
        help_text="Numbers of completed phases to list.",
    )  # fmt: skip
    shown_certificates = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, max_length=1000,
        help_text="Ids (`id`) of your certificates to list; the others are not listed.",
    )  # fmt: skip
    # A list field of objects (not `many=True`: DRF drops a nested list from a partial update).
    projects = serializers.ListField(
        child=PortfolioProjectSerializer(), required=False, max_length=200,
        help_text="Your accepted projects: shown or not, with your summary (the others stay as they are).",
    )  # fmt: skip
    url = serializers.CharField(
        read_only=True, help_text="The public address (answers 404 while not public)."
    )
