"""API shapes. Quizzes go out without answer keys; a submission's keys only once it is graded."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from assessments.models import Answer, Choice, Question, Quiz, Submission


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
    explanation = serializers.CharField()
    correct_choice_ids = serializers.ListField(child=serializers.IntegerField())
    accepted_answers = serializers.ListField(child=serializers.CharField())
    numeric_answer = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    numeric_tolerance = serializers.DecimalField(max_digits=20, decimal_places=6)


class AnswerResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The answer's id (a mentor reviews free-text answers by it).")
    question = serializers.IntegerField()
    prompt = serializers.CharField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    points = serializers.IntegerField()
    selected_choice_ids = serializers.ListField(child=serializers.IntegerField())
    value = serializers.CharField()
    awarded_points = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    is_correct = serializers.BooleanField(allow_null=True)
    needs_review = serializers.BooleanField(help_text="A free-text answer waiting for the mentor's grade.")
    feedback = serializers.CharField()
    key = AnswerKeySerializer(
        allow_null=True, help_text="The answer key: null until the submission is graded."
    )


class SubmissionResultSerializer(SubmissionSerializer):
    answers = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "answers"]
        read_only_fields = fields

    @extend_schema_field(AnswerResultSerializer(many=True))
    def get_answers(self, submission: Submission) -> list[dict[str, Any]]:
        graded = submission.is_graded
        rows = [answer_result(answer, graded=graded) for answer in submission.answers.all()]
        return AnswerResultSerializer(rows, many=True).data  # type: ignore[return-value]


def answer_result(answer: Answer, *, graded: bool) -> dict[str, Any]:
    """An answer as the API shows it: the grading and the key only once the submission is graded."""
    question = answer.question
    row: dict[str, Any] = {
        "id": answer.pk,
        "question": question.pk,
        "prompt": question.prompt,
        "kind": question.kind,
        "points": question.points,
        "selected_choice_ids": answer.selected_choice_ids,
        "value": answer.value,
        "awarded_points": answer.awarded_points if graded else None,
        "is_correct": answer.is_correct if graded else None,
        "needs_review": answer.needs_review,
        "feedback": answer.feedback if graded else "",
        "key": None,
    }
    if graded:
        row["key"] = {
            "explanation": question.explanation,
            "correct_choice_ids": [c.pk for c in question.choices.all() if c.is_correct],
            "accepted_answers": question.accepted_answers,
            "numeric_answer": question.numeric_answer,
            "numeric_tolerance": question.numeric_tolerance,
        }
    return row
