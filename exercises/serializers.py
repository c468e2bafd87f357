"""The API's shapes of exercises (never the hidden tests or the reference solution) and runs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.execution import limits_of
from exercises.models import RUN_REQUEST_KINDS, Exercise, Run
from exercises.sandbox import limit_message, test_names
from exercises.selectors import run_tests_for
from lms.markdown import render_markdown


class ExerciseSerializer(serializers.ModelSerializer):
    week = serializers.IntegerField(source="week.number", read_only=True)
    prompt_html = serializers.SerializerMethodField(help_text="The prompt as sanitised HTML.")
    hidden_tests = serializers.SerializerMethodField(help_text="How many hidden tests (never their code).")

    class Meta:
        model = Exercise
        fields = [
            "id", "week", "order", "title", "prompt", "prompt_html", "starter_code", "example_tests",
            "hidden_tests", "time_limit_seconds", "memory_limit_mb", "packages", "pass_mark_percent",
            "max_attempts",
        ]  # fmt: skip

    def get_prompt_html(self, exercise: Exercise) -> str:
        return str(render_markdown(exercise.prompt))

    def get_hidden_tests(self, exercise: Exercise) -> int:
        return len(test_names(exercise.hidden_tests))


class RunCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=RUN_REQUEST_KINDS,
        help_text="examples: the visible tests, not an attempt; submission: the hidden tests, an attempt.",
    )
    code = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="The learner's Python file."
    )


class DraftSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True, trim_whitespace=False)
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Null before the first save."
    )


class TestResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField(
        help_text="For a failure: the assertion's message (as the review option allows)."
    )


class RunSerializer(serializers.ModelSerializer):
    exercise: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    finished = serializers.BooleanField(source="is_finished", read_only=True)
    limit_message = serializers.SerializerMethodField()
    tests = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The run's page.")

    class Meta:
        model = Run
        fields = [
            "id", "exercise", "kind", "attempt_number", "status", "finished", "created_at", "finished_at",
            "tests", "tests_passed", "tests_total", "percent", "passed", "limit", "limit_message", "error",
            "output_tail", "duration_ms", "url",
        ]  # fmt: skip

    def get_limit_message(self, run: Run) -> str:
        return limit_message(run.limit, limits_of(run.exercise)) if run.limit else ""

    def get_url(self, run: Run) -> str:
        return run.get_absolute_url()

    @extend_schema_field(TestResultSerializer(many=True))
    def get_tests(self, run: Run) -> object:
        """The per-test results as the viewer (`context["viewer"]`) may see them (the review option)."""
        viewer = self.context["viewer"]
        return TestResultSerializer(run_tests_for(viewer=viewer, run=run), many=True).data


class RunDetailSerializer(RunSerializer):
    code = serializers.CharField(read_only=True)

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "code"]
