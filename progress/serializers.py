from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from progress.models import Enrolment, WeekProgress, validate_timezone
from progress.schedule import STATES


class EnrolmentSerializer(serializers.ModelSerializer):
    mentor = serializers.SerializerMethodField()
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id", "start_date", "pace", "timezone", "status", "paused_on", "ended_on",
            "reminder_cadence", "mentor", "calendar_url", "last_activity_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_mentor(self, enrolment: Enrolment) -> str | None:
        return str(enrolment.mentor) if enrolment.mentor else None

    def get_calendar_url(self, enrolment: Enrolment) -> str:
        return settings.SITE_URL + reverse("progress:calendar-feed", args=[enrolment.calendar_token])


class PaceChangeSerializer(serializers.Serializer):
    pace = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal("2"),
        help_text="Curriculum weeks per calendar week, from next week on (this week keeps its dates).",
    )


class EnrolmentCreateSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    pace = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal("2"),
        default=Decimal("1"),
    )
    timezone = serializers.CharField(max_length=64, default="UTC", validators=[validate_timezone])


class PlannedWeekSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    topic = serializers.CharField()
    focus_area = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.ChoiceField(choices=WeekProgress.Status.choices)
    is_current = serializers.BooleanField()
    is_overdue = serializers.BooleanField()


class ScheduleSerializer(serializers.Serializer):
    today = serializers.DateField()
    state = serializers.ChoiceField(choices=list(STATES))
    summary = serializers.CharField(help_text='e.g. "On track" or "Behind by 2 weeks"')
    current_week = serializers.IntegerField(allow_null=True)
    weeks_behind = serializers.IntegerField()
    pace = serializers.DecimalField(
        max_digits=3, decimal_places=2, help_text="The pace in force now (pace changes included)."
    )
    weeks = PlannedWeekSerializer(many=True)


class WeekProgressSerializer(serializers.ModelSerializer):
    week = serializers.IntegerField(source="week.number", read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Null for a week never touched (not started)."
    )

    class Meta:
        model = WeekProgress
        fields = ["week", "status", "notes", "started_at", "completed_at", "updated_at"]
        read_only_fields = ["started_at", "completed_at", "updated_at"]
        extra_kwargs = {"notes": {"max_length": 10000}}
