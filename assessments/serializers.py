"""API shapes. Quizzes go out without answer keys; a submission's review as assessments.review allows."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from assessments.models import Answer, Choice, Question, Quiz, Submission
from assessments.review import Review


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "order", "text"]  # never is_correct


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "kind", "prompt", "points", "choices"]  # no explanation, no key


class QuizSerializer(serializers.ModelSerializer):
    week = serializers.IntegerField(source="week.number", read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Quiz
        fields = [
            "id", "week", "title", "instructions", "pass_mark_percent", "max_attempts",
            "time_limit_minutes", "questions",
        ]  # fmt: skip


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


class SubmissionCreateSerializer(serializers.Serializer):
    quiz = serializers.PrimaryKeyRelatedField(queryset=Quiz.objects.select_related("week"))
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Question id → answer: a choice id or a list of choice ids (choice questions), "
        "a number or a string holding one (numeric), a string (short and free text).",
    )

    def validate_answers(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Text that no database column can hold is refused here, as a text field would refuse it."""
        for text in strings_in(answers):
            ProhibitNullCharactersValidator()(text)
            ProhibitSurrogateCharactersValidator()(text)
        return answers


class AnswerReviewSerializer(serializers.Serializer):
    points = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), help_text="From 0 to the question's points."
    )
    feedback = serializers.CharField(max_length=5000, allow_blank=True, default="")


class SubmissionSerializer(serializers.ModelSerializer):
    week = serializers.IntegerField(source="quiz.week.number", read_only=True)
    quiz_title = serializers.CharField(source="quiz.title", read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id", "quiz", "quiz_title", "week", "learner", "attempt_number", "status",
            "submitted_at", "graded_at", "score", "max_score", "percent", "passed",
        ]  # fmt: skip
        read_only_fields = fields


class AnswerKeySerializer(serializers.Serializer):
    explanation = serializers.CharField(
        allow_null=True, help_text="Null when the quiz's review options do not show explanations yet."
    )
    correct_choice_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    accepted_answers = serializers.ListField(child=serializers.CharField(), allow_null=True)
    numeric_answer = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    numeric_tolerance = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)


class AnswerResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The answer's id (a mentor reviews free-text answers by it).")
    question = serializers.IntegerField()
    prompt = serializers.CharField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    points = serializers.IntegerField()
    selected_choice_ids = serializers.ListField(child=serializers.IntegerField())
    value = serializers.CharField()
    awarded_points = serializers.DecimalField(
        max_digits=14,
        decimal_places=6,
        allow_null=True,
        help_text="Exact to millionths (a share of a multiple-choice question's points, e.g. 0.666667).",
    )
    is_correct = serializers.BooleanField(allow_null=True)
    needs_review = serializers.BooleanField(help_text="A free-text answer waiting for the mentor's grade.")
    feedback = serializers.CharField()
    key = AnswerKeySerializer(
        allow_null=True,
        help_text="The answer key and explanation, when the quiz's review options show them (to the "
        "learner by default once they passed or used every attempt; to their mentor and staff once "
        "graded); the correct answers are null while only the explanation shows, and vice versa.",
    )


class SubmissionResultSerializer(SubmissionSerializer):
    """A submission with its answers; give the viewer's `review` (assessments.review.review_for) in the
    context: the points, right/wrong and the key appear only as far as it allows."""

    answers = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "answers"]
        read_only_fields = fields

    @extend_schema_field(AnswerResultSerializer(many=True))
    def get_answers(self, submission: Submission) -> list[dict[str, Any]]:
        review = self.context["review"]
        rows = [answer_result(answer, review=review) for answer in submission.answers.all()]
        return AnswerResultSerializer(rows, many=True).data  # type: ignore[return-value]


def answer_result(answer: Answer, *, review: Review) -> dict[str, Any]:
    """An answer as the API shows it: what the learner gave, and of the review what `review` allows."""
    question = answer.question
    row: dict[str, Any] = {
        "id": answer.pk,
        "question": question.pk,
        "prompt": question.prompt,
        "kind": question.kind,
        "points": question.points,
        "selected_choice_ids": answer.selected_choice_ids,
        "value": answer.value,
        "awarded_points": answer.awarded_points if review.right_wrong else None,
        "is_correct": answer.is_correct if review.right_wrong else None,
        "needs_review": answer.needs_review,
        "feedback": answer.feedback_shown if review.right_wrong else "",
        "key": None,
    }
    if review.correct_answers or review.explanations:
        correct = review.correct_answers
        row["key"] = {
            "explanation": question.explanation if review.explanations else None,
            "correct_choice_ids": [c.pk for c in question.choices.all() if c.is_correct] if correct else None,
            "accepted_answers": question.accepted_answers if correct else None,
            "numeric_answer": question.numeric_answer if correct else None,
            "numeric_tolerance": question.numeric_tolerance if correct else None,
        }
    return row
