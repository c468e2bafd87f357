from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cards.models import Card, Review


class CardChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class CardFrontSerializer(serializers.ModelSerializer):
    """A due card as the learner first sees it: the question, never its answer key — or the code
    exercise to retry (`kind` "exercise", `exercise` its id: retried through the exercise's runs)."""

    question = serializers.IntegerField(source="question_id", allow_null=True)
    exercise = serializers.IntegerField(source="exercise_id", allow_null=True)
    kind = serializers.SerializerMethodField()
    prompt = serializers.SerializerMethodField()
    week = serializers.IntegerField(source="week.number")
    choices = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = [
            "id", "question", "exercise", "kind", "prompt", "week", "choices", "state", "due",
            "reviews_count",
        ]  # fmt: skip

    def get_kind(self, card: Card) -> str:
        """The question's kind, or "exercise"."""
        return "exercise" if card.question is None else card.question.kind

    def get_prompt(self, card: Card) -> str:
        """The question's prompt, or the exercise's (Markdown)."""
        return card.exercise.prompt if card.question is None else card.question.prompt  # type: ignore[union-attr]

    @extend_schema_field(CardChoiceSerializer(many=True))
    def get_choices(self, card: Card) -> list[dict[str, object]]:
        if card.question is None:
            return []
        return [{"id": choice.pk, "text": choice.text} for choice in card.question.choices.all()]


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id",
            "rating",
            "suggested_rating",
            "answer_correct",
            "duration_ms",
            "reviewed_at",
            "due_after",
        ]


class CardDetailSerializer(serializers.ModelSerializer):
    learner = serializers.IntegerField(source="learner_id")
    question = serializers.IntegerField(source="question_id", allow_null=True)
    exercise = serializers.IntegerField(source="exercise_id", allow_null=True)
    prompt = serializers.SerializerMethodField()
    week = serializers.IntegerField(source="week.number")
    reviews = ReviewSerializer(many=True)

    class Meta:
        model = Card
        fields = [
            "id", "learner", "question", "exercise", "prompt", "week", "origin", "state", "due",
            "last_review", "reviews_count", "retired_at", "reviews",
        ]  # fmt: skip

    def get_prompt(self, card: Card) -> str:
        """The question's prompt, or the exercise's (Markdown)."""
        return card.exercise.prompt if card.question is None else card.question.prompt  # type: ignore[union-attr]


class ReviewCreateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Review.Rating.choices, help_text="1 again, 2 hard, 3 good, 4 easy."
    )
    answer = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="Optional: the practice answer, as a quiz submission takes it (a choice id, a list of "
        "choice ids, a number or text). It is checked, and the suggested rating is returned; the rating "
        "given is the one recorded.",
    )
    duration_ms = serializers.IntegerField(required=False, min_value=0, max_value=24 * 60 * 60 * 1000)


class CardBackSerializer(serializers.Serializer):
    correct_answer = serializers.CharField()
    explanation = serializers.CharField()
    feedback = serializers.CharField()
    key_hidden = serializers.BooleanField()


class ReviewResultSerializer(serializers.Serializer):
    review = ReviewSerializer()
    card = CardFrontSerializer()
    back = CardBackSerializer()


class PhaseRetentionSerializer(serializers.Serializer):
    phase = serializers.IntegerField()
    retention = serializers.FloatField()


class CardStatsSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    due_today = serializers.IntegerField()
    minutes = serializers.IntegerField()
    reviewed_last_7_days = serializers.IntegerField()
    retention = serializers.FloatField(allow_null=True, help_text="Estimated recall chance now, 0 to 1.")
    retention_by_phase = PhaseRetentionSerializer(many=True)
    desired_retention = serializers.FloatField()
