from rest_framework import serializers
from rest_framework.reverse import reverse

from projects.models import Attachment, Criterion, Level, Project, Review, Score, Version


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ("id", "label", "description", "min_points", "max_points")


class CriterionSerializer(serializers.ModelSerializer):
    levels = LevelSerializer(many=True, read_only=True)
    objectives = serializers.ListField(source="objective_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Criterion
        fields = ("id", "order", "title", "description", "objectives", "levels")


class ProjectSerializer(serializers.ModelSerializer):
    week = serializers.IntegerField(source="week.number", read_only=True)
    phase = serializers.IntegerField(source="week.phase.number", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = (
            "id",
            "week",
            "phase",
            "kind",
            "title",
            "brief",
            "deliverables",
            "pass_mark",
            "signs_off_phase",
            "criteria",
        )


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ("id", "name", "size", "uploaded_at", "url")

    def get_url(self, attachment: Attachment) -> str:
        """The access-checked download with the API's credentials (a token or a session)."""
        return reverse("api-attachment-download", args=[attachment.pk], request=self.context.get("request"))


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id", read_only=True)
    level = serializers.IntegerField(source="level_id", read_only=True)

    class Meta:
        model = Score
        fields = ("criterion", "level", "points", "comment")


class ProjectReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.display_name", read_only=True, default=None)
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ("id", "decision", "comment", "total_points", "passed", "reviewer", "created_at", "scores")


class VersionSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.filter(is_published=True))
    week = serializers.IntegerField(source="project.week.number", read_only=True)
    learner = serializers.CharField(source="enrolment.learner.display_name", read_only=True)
    learner_email = serializers.EmailField(source="enrolment.learner.email", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    review = serializers.SerializerMethodField()

    class Meta:
        model = Version
        fields = (
            "id", "project", "week", "learner", "learner_email", "number", "status", "repository_url",
            "commit", "report", "created_at", "submitted_at", "attachments", "review",
        )  # fmt: skip
        read_only_fields = ("number", "status", "created_at", "submitted_at")
        extra_kwargs = {
            "repository_url": {"required": False, "validators": []},
            "commit": {"required": False, "validators": []},
            "report": {"required": False},
        }

    def get_review(self, version: Version) -> dict | None:
        from projects.selectors import review_of

        review = review_of(version)
        return ProjectReviewSerializer(review).data if review else None  # type: ignore[return-value]


class DraftUpdateSerializer(serializers.Serializer):
    repository_url = serializers.CharField(required=False, allow_blank=True, max_length=500)
    commit = serializers.CharField(required=False, allow_blank=True, max_length=100)
    report = serializers.CharField(required=False, allow_blank=True, max_length=50_000)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    level = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    points = serializers.IntegerField(min_value=0, max_value=1000)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ProjectReviewCreateSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Review.Decision.choices)
    comment = serializers.CharField(max_length=10_000)
    scores = ScoreInputSerializer(many=True, allow_empty=False)


class QueueItemSerializer(serializers.Serializer):
    version = VersionSerializer(read_only=True)
    days_waiting = serializers.IntegerField(read_only=True)
    overdue = serializers.BooleanField(
        read_only=True, help_text="Waiting longer than the setting (default 3 days)."
    )
