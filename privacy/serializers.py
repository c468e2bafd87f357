from rest_framework import serializers

from privacy.models import DataExport


class DataExportSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataExport
        fields = [
            "id", "status", "progress", "stage", "size", "created_at", "ready_at", "expires_at",
            "downloaded_at",
        ]  # fmt: skip
        read_only_fields = fields


class DownloadSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=100, help_text="The secret of the link e-mailed when the export was ready (its last part)."
    )


class DeletionRequestSerializer(serializers.Serializer):
    status = serializers.CharField(read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    erase_after = serializers.DateTimeField(
        read_only=True, help_text="When the account is erased, unless its user logs in before."
    )


class DeletionConfirmationSerializer(serializers.Serializer):
    password = serializers.CharField(
        required=False, allow_blank=True, max_length=4096, help_text="Your password (accounts with one)."
    )
    phrase = serializers.CharField(
        required=False, allow_blank=True, max_length=100,
        help_text="Accounts without a password (single sign-on): “delete my account”.",
    )  # fmt: skip
