"""Spaced-repetition cards: one per learner and quiz question (or code exercise), scheduled by the `fsrs`
package.

The FSRS state of a card (state, step, stability, difficulty, due, last review) is stored as columns so
that lists (due today, the mentor table) filter and count in SQL; `cards.scheduling` turns a row into
the library's `fsrs.Card` and back. Reviews are a log: they never touch quiz grades or attempts.
"""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

RETENTION_MIN = 0.70
RETENTION_MAX = 0.97
RETENTION_DEFAULT = 0.90


class Card(models.Model):
    class State(models.IntegerChoices):
        """fsrs.State's values."""

        LEARNING = 1, _("Learning")
        REVIEW = 2, pgettext_lazy("card state", "Review")
        RELEARNING = 3, _("Relearning")

    class Origin(models.TextChoices):
        MISSED = "missed", _("Missed in a quiz")
        ADDED = "added", _("Added by the learner")
        EXERCISE = "exercise", _("Missed in a code exercise")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(
        "assessments.Question", on_delete=models.CASCADE, related_name="review_cards", null=True, blank=True
    )
    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        related_name="review_cards",
        null=True,
        blank=True,
        help_text=_("A card of a missed code exercise (instead of a question): the learner retries it."),
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.MISSED)
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reviews_count = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True, help_text=_("Retired cards are never due."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="one_card_per_question"),
            models.UniqueConstraint(fields=["learner", "exercise"], name="one_card_per_exercise"),
            models.CheckConstraint(
                condition=Q(question__isnull=False, exercise__isnull=True)
                | Q(question__isnull=True, exercise__isnull=False),
                name="card_of_a_question_or_an_exercise",
            ),
        ]
        indexes = [
            # Due counts and the review queue: the learner's active cards by due time.
            models.Index(fields=["learner", "due"], condition=Q(retired_at__isnull=True), name="card_due")
        ]

    def __str__(self) -> str:
        if self.exercise_id is not None:
            return f"Card of {self.learner_id} for exercise {self.exercise_id}"
        return f"Card of {self.learner_id} for question {self.question_id}"

    @property
    def week(self) -> object:
        """The curriculum week of the card's question or exercise (select_related both)."""
        return self.exercise.week if self.exercise is not None else self.question.quiz.week  # type: ignore[union-attr]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def is_due(self, *, before: datetime) -> bool:
        """`selectors.due_before`'s twin: active and falling due before `before` (the end of the
        learner's day)."""
        return self.retired_at is None and self.due < before


class Review(models.Model):
    """One rating of a card: what the scheduler was told, and what it answered."""

    class Rating(models.IntegerChoices):
        """fsrs.Rating's values."""

        AGAIN = 1, _("Again")
        HARD = 2, _("Hard")
        GOOD = 3, _("Good")
        EASY = 4, _("Easy")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    suggested_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    answer_correct = models.BooleanField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    reviewed_at = models.DateTimeField()
    due_before = models.DateTimeField()
    due_after = models.DateTimeField()
    state_after = models.PositiveSmallIntegerField(choices=Card.State.choices)

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        indexes = [models.Index(fields=["learner", "reviewed_at"], name="review_by_learner")]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} on card {self.card_id}"


class ReviewProfile(models.Model):
    """A learner's review settings, and their estimated retention (stored for the mentor table)."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="review_profile"
    )
    desired_retention = models.FloatField(
        default=RETENTION_DEFAULT,
        validators=[MinValueValidator(RETENTION_MIN), MaxValueValidator(RETENTION_MAX)],
        help_text=_("The chance of recalling a card when it comes due (0.70 to 0.97): higher, more reviews."),
    )
    retention_estimate = models.FloatField(null=True, blank=True, help_text=_("Mean recall chance now."))
    retention_by_phase = models.JSONField(default=dict, blank=True)
    estimated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Review settings of {self.learner_id}"
