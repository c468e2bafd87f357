from django.utils.translation import gettext
from rest_framework import serializers

from curriculum.selectors import week_exists
from mentoring.flags import FLAGS
from mentoring.models import PhaseReview, WeekFeedback


class QuizStatsSerializer(serializers.Serializer):
    average_percent = serializers.FloatField(allow_null=True)
    last_quiz = serializers.CharField(allow_null=True)
    last_status = serializers.CharField(allow_null=True)
    last_percent = serializers.FloatField(allow_null=True, help_text="The latest attempt's score.")
    last_best_percent = serializers.FloatField(allow_null=True, help_text="The best score on that quiz.")
    last_passed = serializers.BooleanField(allow_null=True)
    failed_quizzes = serializers.ListField(child=serializers.CharField())
    pending_reviews = serializers.IntegerField()


class MenteeRowSerializer(serializers.Serializer):
    enrolment_id = serializers.IntegerField(source="enrolment.pk")
    learner = serializers.CharField(source="learner.__str__")
    email = serializers.EmailField(source="learner.email")
    current_week = serializers.IntegerField(allow_null=True)
    weeks_behind = serializers.IntegerField()
    schedule_label = serializers.CharField()
    completion_percent = serializers.IntegerField()
    phase_percents = serializers.DictField(child=serializers.IntegerField())
    last_activity = serializers.DateTimeField()
    quiz = QuizStatsSerializer()
    flags = serializers.ListField(child=serializers.ChoiceField(choices=list(FLAGS)))
    reasons = serializers.ListField(child=serializers.CharField())
    cards_due = serializers.IntegerField(help_text="Review cards due now (the cards app).")
    cards_reviewed_7d = serializers.IntegerField(help_text="Review cards rated in the last 7 days.")
    cards_retention_percent = serializers.IntegerField(
        allow_null=True,
        help_text="Estimated retention of the reviewed cards (stored daily and by each review).",
    )


class WeekFeedbackSerializer(serializers.ModelSerializer):
    week = serializers.IntegerField(min_value=1, max_value=32767, source="week.number")
    author = serializers.CharField(source="author.__str__", read_only=True, allow_null=True)

    class Meta:
        model = WeekFeedback
        fields = ["id", "week", "body", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"body": {"max_length": 5000}}

    def validate_week(self, number: int) -> int:
        if not week_exists(number=number):
            raise serializers.ValidationError(
                gettext("The curriculum has no week %(number)s.") % {"number": number}
            )
        return number


class PhaseReviewSerializer(serializers.ModelSerializer):
    phase = serializers.IntegerField(source="phase.number", read_only=True)
    reviewer = serializers.CharField(source="reviewer.__str__", read_only=True, allow_null=True)

    class Meta:
        model = PhaseReview
        fields = ["id", "phase", "decision", "comments", "reviewer", "created_at"]
        read_only_fields = ["id", "phase", "reviewer", "created_at"]
        extra_kwargs = {"comments": {"max_length": 5000}}
