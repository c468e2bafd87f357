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
