"""Weekly quizzes (content, edited in admin and shipped as a fixture) and learners' submissions."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.grading import NO_ANSWER_FEEDBACK
from curriculum.models import Week


class Quiz(models.Model):
    class ReviewTiming(models.TextChoices):
        """When a learner sees part of the review of their attempt (as Moodle's review options)."""

        AFTER_EACH_ATTEMPT = "after_each_attempt", _("After each graded attempt")
        WHEN_FINISHED = "when_finished", _("Once passed or out of attempts")
        NEVER = "never", _("Never")

    # A quiz is part of its week's content, like its resources (a quiz with submissions stays protected).
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Shown to learners as a guide; not enforced."),
    )
    is_published = models.BooleanField(default=False, help_text=_("Only published quizzes can be taken."))
    # Review options: what the learner sees of a graded attempt, and when (assessments.review decides).
    # The attempt's score and whether it passed are always shown.
    review_right_wrong = models.CharField(
        "show which answers were right",
        max_length=20,
        choices=ReviewTiming.choices,
        default=ReviewTiming.AFTER_EACH_ATTEMPT,
        help_text=_("Right or wrong per question, with its points and the grader's feedback."),
    )
    review_correct_answers = models.CharField(
        "show the correct answers",
        max_length=20,
        choices=ReviewTiming.choices,
        default=ReviewTiming.WHEN_FINISHED,
        help_text=_("The correct choices, numeric and accepted answers."),
    )
    review_explanations = models.CharField(
        "show the explanations",
        max_length=20,
        choices=ReviewTiming.choices,
        default=ReviewTiming.WHEN_FINISHED,
    )
    answer_key_version = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text=_(
            "Renewed whenever one of its questions or choices changes, so graders may cache the key."
        ),
    )

    class Meta:
        ordering = ["week__number", "id"]
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The publish rule: a published quiz has questions, each with a valid answer key."""
        # A quiz being added has no saved questions yet (admin inlines and fixtures save them after it).
        if self.is_published and not self._state.adding:
            problems = quiz_problems(self)
            if problems:
                raise ValidationError({"is_published": ["Fix these questions before publishing:", *problems]})


def choice_problems(kind: str, choices: list[tuple[str, bool]]) -> list[str]:
    """What is wrong with these (text, is_correct) choices for a question of this kind."""
    correct = sum(1 for _, is_correct in choices if is_correct)
    if kind not in Question.CHOICE_KINDS:
        return (
            [gettext("Only choice questions have choices: delete them or change the kind.")]
            if choices
            else []
        )
    problems = []
    if len(choices) < 2:
        problems.append(gettext("Give at least two choices."))
    if kind == Question.Kind.TRUE_FALSE and len(choices) != 2:
        problems.append(gettext("A true/false question has exactly two choices."))
    if kind in Question.ONE_CORRECT_KINDS and correct != 1:
        problems.append(
            gettext("Mark exactly one choice as correct (%(count)s marked).") % {"count": correct}
        )
    elif kind == Question.Kind.MULTIPLE and correct < 1:
        problems.append(gettext("Mark at least one choice as correct."))
    return problems


def quiz_problems(quiz: "Quiz") -> list[str]:
    """The saved questions' problems (choices included), one line per question."""
    questions = quiz.questions.prefetch_related("choices")
    lines = []
    for question in questions:
        choices = [(c.text, c.is_correct) for c in question.choices.all()]
        for problem in choice_problems(question.kind, choices):
            lines.append(
                gettext("Question %(number)s: %(problem)s") % {"number": question.order, "problem": problem}
            )
    if not lines and not questions:
        lines.append(gettext("The quiz has no questions."))
    return lines


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice (select all that apply)")
        TRUE_FALSE = "true_false", _("True / false")
        NUMERIC = "numeric", _("Numeric")
        SHORT_TEXT = "short_text", _("Short text")
        FREE_TEXT = "free_text", _("Free text (graded by a mentor)")

    CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE})
    ONE_CORRECT_KINDS = frozenset({Kind.SINGLE, Kind.TRUE_FALSE})

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    prompt = models.TextField()
    points = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    explanation = models.TextField(
        blank=True,
        help_text=_("Shown to the learner as the quiz's review options say (once finished, by default)."),
    )
    numeric_answer = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    numeric_tolerance = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Answers within ± this of the numeric answer are correct (inclusive)."),
    )
    accepted_answers = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            'Short text: a JSON list of accepted answers, e.g. ["ReLU", "rectified linear unit"]. '
            "Case and spacing are ignored."
        ),
    )

    class Meta:
        ordering = ["quiz", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.prompt[:60]}"

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def correct_choice_texts(self) -> list[str]:
        """The texts of the correct choices, in order (uses prefetched choices)."""
        return [choice.text for choice in self.choices.all() if choice.is_correct]

    def clean(self) -> None:
        """Rules one row can check; choice rules live in the admin formsets (choices are other rows)."""
        super().clean()
        if self.kind == self.Kind.NUMERIC and self.numeric_answer is None:
            raise ValidationError({"numeric_answer": gettext("A numeric question needs its answer.")})
        answers = self.accepted_answers
        if not isinstance(answers, list) or not all(isinstance(text, str) for text in answers):
            raise ValidationError({"accepted_answers": 'Give a JSON list of strings, e.g. ["ReLU"].'})
        if self.kind == self.Kind.SHORT_TEXT and not any(text.strip() for text in answers):
            raise ValidationError(
                {"accepted_answers": gettext("A short-text question needs at least one answer.")}
            )


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=1000)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Submission(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Grading")
        GRADED = "graded", _("Graded")
        NEEDS_REVIEW = "needs_review", _("Waiting for a mentor's review")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="submissions")
    enrolment = models.ForeignKey(
        "progress.Enrolment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        help_text=_("The learner's enrolment when submitted (none without one): its mentor sees the work."),
    )
    attempt_number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(auto_now_add=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    # Points to millionths (a share of a multiple-choice question's points, e.g. 0.666667): the total
    # and its percentage come from exact points; the percentage is rounded once (assessments.grading).
    score = models.DecimalField(
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Points awarded so far, to millionths (never rounded to hundredths per question)."),
    )
    max_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Set once fully graded: from the exact points, rounded half up to hundredths, once."),
    )
    passed = models.BooleanField(null=True, blank=True)
    request_key = models.CharField(
        max_length=100,
        blank=True,
        default="",
        editable=False,
        help_text=_("The key of the request that saved it (lms.idempotency): a retry saves nothing more."),
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "quiz", "attempt_number"], name="one_submission_per_attempt"
            ),
            models.UniqueConstraint(
                fields=["learner", "request_key"],
                condition=~models.Q(request_key=""),
                name="one_submission_per_request_key",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.quiz} · attempt {self.attempt_number}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:submission-detail", args=[self.pk])

    @property
    def review_url(self) -> str:
        return reverse("assessments:submission-review", args=[self.pk])

    @property
    def is_graded(self) -> bool:
        return self.status == self.Status.GRADED


class Answer(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: deleting a question that learners answered would silently change their scores.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    selected_choice_ids = models.JSONField(default=list, blank=True)
    value = models.TextField(blank=True)
    awarded_points = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    needs_review = models.BooleanField(default=False)
    feedback = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in submission {self.submission_id}"

    @property
    def feedback_shown(self) -> str:
        """The feedback in the reader's language where it is the grader's own (an empty answer's)."""
        return gettext(self.feedback) if self.feedback == NO_ANSWER_FEEDBACK else self.feedback

    @property
    def display_value(self) -> str:
        """What the learner answered, readable: choice texts (question's choices loaded) or the value."""
        if self.selected_choice_ids:
            chosen = set(self.selected_choice_ids)
            return "; ".join(choice.text for choice in self.question.choices.all() if choice.pk in chosen)
        return self.value


class QuizRecord(models.Model):
    """A learner's quiz results in one row, stored: what mentors' lists filter and sort on.

    Written only by `assessments.records.quiz_record_refresh`, in the transaction of every write that
    changes a result (a submission, its grading, a mentor's review). A quiz's status follows
    `grading.quiz_status`, the one definition of "passed" and "failed" used on every page.
    """

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="quiz_record"
    )
    quizzes_taken = models.PositiveSmallIntegerField(default=0)
    average_best_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, help_text=_("Mean of the best graded score of each quiz.")
    )
    failed_count = models.PositiveSmallIntegerField(default=0)
    failed_titles = models.JSONField(default=list)
    reviews_waiting = models.PositiveSmallIntegerField(
        default=0, help_text=_("Submissions with answers waiting for a mentor's review.")
    )
    last_quiz_title = models.CharField(max_length=200, blank=True)
    last_status = models.CharField(max_length=12, blank=True, help_text=_("The last quiz's status."))
    last_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, help_text=_("The latest attempt's score.")
    )
    last_best_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, help_text=_("The best graded score on the last quiz.")
    )
    phase_results = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            'Per phase number, the quizzes passed and failed: {"1": [passed, failed]} (the mentor '
            "workspace's pass rate per phase reads these rather than every submission of the group)."
        ),
    )
    refreshed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Quiz results of {self.learner}"
