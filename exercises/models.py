"""Code exercises (content, edited in admin and shipped as a fixture) and the runs of learners' code.

An exercise belongs to a curriculum week like its quiz, with the quiz's notions: attempts, a pass mark
(the share of hidden tests passed) and a review option (when the learner sees the failed hidden tests'
messages). Its reference solution is never shown to learners: it checks the exercise itself.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Quiz
from curriculum.models import Week

PACKAGES = {"numpy": "NumPy"}
"""The packages an exercise may allow beyond the standard library (the sandbox binds them read-only)."""

CODE_LIMIT_CHARS = 100_000
"""The longest code a learner may send (a run's code, a draft): larger is refused with 413."""


class Exercise(models.Model):
    ReviewTiming = Quiz.ReviewTiming

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="exercises")
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    prompt = models.TextField(help_text=_("Markdown (sanitised when shown)."))
    starter_code = models.TextField(help_text=_("What the editor holds before the learner's first draft."))
    example_tests = models.TextField(
        help_text=_(
            "Visible tests (`def test_…():` functions with `assert …, 'message'`), run by “Run examples”."
        )
    )
    hidden_tests = models.TextField(
        help_text=_(
            "Tests run on “Submit”; learners see each one's first docstring line and, for a failure, "
            "its assertion message — never its code."
        )
    )
    reference_solution = models.TextField(help_text=_("Never shown to learners: checks the exercise itself."))
    time_limit_seconds = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(30)], help_text=_("CPU time per run.")
    )
    memory_limit_mb = models.PositiveSmallIntegerField(
        default=256, validators=[MinValueValidator(64), MaxValueValidator(1024)]
    )
    packages = models.JSONField(
        default=list,
        blank=True,
        help_text=format_lazy(
            _("Allowed beyond the standard library: any of {packages}."), packages=", ".join(PACKAGES)
        ),
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of hidden tests a submission passes to pass."),
    )
    max_attempts = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1)])
    review_failure_messages = models.CharField(
        "show the failed hidden tests' messages",
        max_length=20,
        choices=ReviewTiming.choices,
        default=ReviewTiming.AFTER_EACH_ATTEMPT,
        help_text=_("Which hidden tests passed is always shown; their assertion messages as this says."),
    )
    is_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["week__number", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exercises:exercise", args=[self.pk])

    def clean(self) -> None:
        unknown = (
            [p for p in self.packages or [] if p not in PACKAGES] if isinstance(self.packages, list) else None
        )
        if unknown is None or unknown:
            raise ValidationError(
                {
                    "packages": gettext("A list of allowed packages, each one of: %(packages)s.")
                    % {"packages": ", ".join(PACKAGES)}
                }
            )
        from exercises.sandbox import test_names

        for field in ("example_tests", "hidden_tests"):
            code = getattr(self, field)
            try:
                compile(code, field, "exec")
            except (SyntaxError, ValueError) as error:
                raise ValidationError(
                    {field: gettext("Not valid Python: %(error)s") % {"error": error}}
                ) from error
            if not test_names(code):
                raise ValidationError({field: gettext("Define at least one `def test_…():` function.")})


class Run(models.Model):
    """One run of code in the sandbox: a learner's "Run examples" or "Submit" (an attempt), or a staff
    member's check of the exercise (its reference solution or its starter against the hidden tests)."""

    class Kind(models.TextChoices):
        EXAMPLES = "examples", _("Run examples")
        SUBMISSION = "submission", _("Submission")
        CHECK_REFERENCE = "check_reference", _("Check: reference solution")
        CHECK_STARTER = "check_starter", _("Check: starter code")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the sandbox")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Could not run")

    HIDDEN_KINDS = frozenset({Kind.SUBMISSION, Kind.CHECK_REFERENCE, Kind.CHECK_STARTER})

    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="runs")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_runs"
    )
    enrolment = models.ForeignKey(
        "progress.Enrolment", on_delete=models.SET_NULL, null=True, blank=True, related_name="exercise_runs",
        help_text=_("The learner's enrolment when submitted (none without one): its mentor sees the work."),
    )  # fmt: skip
    kind = models.CharField(max_length=16, choices=Kind.choices)
    attempt_number = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Submissions only."))
    code = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(
        null=True, blank=True, help_text=_("The worker's claim: only it writes the result.")
    )
    sandbox_runs = models.PositiveSmallIntegerField(
        default=0, help_text=_("Times a worker started this run.")
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    tests = models.JSONField(
        default=list, blank=True, help_text=_("Per test: name, description, passed, message.")
    )
    tests_passed = models.PositiveSmallIntegerField(null=True, blank=True)
    tests_total = models.PositiveSmallIntegerField(null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    limit = models.CharField(
        max_length=8, blank=True, help_text=_("time, memory, output or crash: how it ended.")
    )
    error = models.TextField(blank=True, help_text=_("Why the code could not be tested, or could not run."))
    output_tail = models.TextField(blank=True, help_text=_("The last lines the code printed."))
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "exercise", "attempt_number"],
                condition=models.Q(kind="submission"),
                name="one_exercise_run_per_attempt",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["learner", "exercise"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.exercise} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("exercises:run", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_attempt(self) -> bool:
        return self.kind == self.Kind.SUBMISSION


RUN_REQUEST_KINDS = [
    (Run.Kind.EXAMPLES.value, Run.Kind.EXAMPLES.label),
    (Run.Kind.SUBMISSION.value, "Submit"),
]
"""What a learner asks for: "Run examples" or "Submit" (the API's choices)."""


class Draft(models.Model):
    """The code in a learner's editor, kept as they type (one per learner and exercise)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_drafts"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="drafts")
    code = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "exercise"], name="one_draft_per_exercise")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.exercise} (draft)"
