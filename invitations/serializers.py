from rest_framework import serializers

from invitations.models import Invitation


class InvitationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    cohort_name = serializers.CharField(source="cohort.name", read_only=True)
    state = serializers.CharField(
        source="state_label",
        read_only=True,
        help_text="Pending, Expired (pending past its date), Accepted, Revoked.",
    )

    class Meta:
        model = Invitation
        fields = [
            "id", "email", "user", "name", "cohort", "cohort_name", "status", "state", "sent_count",
            "sent_at", "expires_at", "accepted_at", "revoked_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    """One person to onboard, as a row of the admin's CSV import."""

    name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", trim_whitespace=False
    )
    email = serializers.CharField(max_length=254, trim_whitespace=False)
    cohort = serializers.IntegerField(min_value=1, help_text="The cohort's id.")
    mentor = serializers.CharField(
        max_length=254, required=False, allow_blank=True, default="", help_text="The mentor's e-mail address."
    )
