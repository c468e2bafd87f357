from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cohorts.models import Cohort
from progress.models import Enrolment


class MentorBriefSerializer(serializers.Serializer):
    """A cohort's mentor as its listing shows them (the schema of `CohortSerializer.mentors`)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class CohortSerializer(serializers.ModelSerializer):
    mentors = serializers.SerializerMethodField(help_text="The cohort's mentors: id, name and e-mail.")
    learners = serializers.IntegerField(read_only=True, source="learner_count", help_text="Enrolments in it.")

    class Meta:
        model = Cohort
        fields = ["id", "name", "start_date", "pace", "timezone", "mentors", "learners", "created_at"]
        read_only_fields = ["id", "created_at"]

    @extend_schema_field(MentorBriefSerializer(many=True))
    def get_mentors(self, cohort: Cohort) -> list[dict[str, object]]:
        return [
            {"id": mentor.pk, "name": mentor.display_name, "email": mentor.email}
            for mentor in cohort.mentors.all()
        ]


class CohortCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    start_date = serializers.DateField()
    pace = serializers.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1"))
    timezone = serializers.CharField(max_length=64, default="UTC")
    mentors = serializers.ListField(
        child=serializers.EmailField(),
        default=list,
        max_length=100,
        help_text="The mentors' e-mail addresses.",
    )


class SummarySerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Every enrolment in the cohort, current or ended.")
    average_completion = serializers.IntegerField(help_text="Mean completion percent of current enrolments.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="current, on_track (or ahead), behind, not_started, paused, inactive, completed, left.",
    )


class CohortDetailSerializer(CohortSerializer):
    summary = serializers.SerializerMethodField()

    class Meta(CohortSerializer.Meta):
        fields = [*CohortSerializer.Meta.fields, "summary"]

    @extend_schema_field(SummarySerializer)
    def get_summary(self, cohort: Cohort) -> dict[str, object]:
        summary = self.context["summary"]
        return SummarySerializer(summary).data  # type: ignore[return-value]


class MemberSerializer(serializers.ModelSerializer):
    enrolment = serializers.IntegerField(source="pk", read_only=True)
    learner = serializers.IntegerField(source="learner_id", read_only=True)
    name = serializers.CharField(source="learner.display_name", read_only=True)
    email = serializers.EmailField(source="learner.email", read_only=True)
    mentor = serializers.IntegerField(source="mentor_id", read_only=True, allow_null=True)
    mentor_name = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "enrolment",
            "learner",
            "name",
            "email",
            "mentor",
            "mentor_name",
            "status",
            "start_date",
            "pace",
        ]

    def get_mentor_name(self, enrolment: Enrolment) -> str | None:
        return enrolment.mentor.display_name if enrolment.mentor else None


class StandingRowSerializer(serializers.ModelSerializer):
    enrolment = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="learner.display_name", read_only=True)
    state = serializers.CharField(source="standing.state", read_only=True)
    state_label = serializers.CharField(source="standing.label", read_only=True)
    current_week = serializers.IntegerField(source="standing.current_week", read_only=True, allow_null=True)
    weeks_behind = serializers.IntegerField(source="standing.weeks_behind", read_only=True)
    weeks_completed = serializers.IntegerField(source="standing.weeks_completed", read_only=True)
    completion_percent = serializers.IntegerField(source="standing.completion_percent", read_only=True)
    inactive = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "enrolment", "name", "status", "state", "state_label", "current_week", "weeks_behind",
            "weeks_completed", "completion_percent", "last_activity_at", "inactive",
        ]  # fmt: skip

    def get_inactive(self, enrolment: Enrolment) -> bool:
        from cohorts.selectors import is_inactive_row

        return is_inactive_row(enrolment, now=self.context["now"])
