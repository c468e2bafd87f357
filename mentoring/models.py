from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from curriculum.models import Phase, Week
from progress.models import Enrolment


class WeekFeedback(models.Model):
    """A message of a week's thread: a mentor's comment on one week of a learner's enrolment, or the
    learner's reply to it (`from_learner`). Both see the thread on the week."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="feedback")
    week = models.ForeignKey(Week, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=5000)
    from_learner = models.BooleanField(
        default=False, help_text=_("The learner's reply to their mentor's feedback (the week's thread).")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    request_key = models.CharField(
        max_length=100,
        blank=True,
        default="",
        editable=False,
        help_text=_("The key of the request that saved it (lms.idempotency): a retry saves nothing more."),
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["enrolment", "week"])]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "request_key"],
                condition=~Q(request_key=""),
                name="one_week_feedback_per_request_key",
            )
        ]
        verbose_name_plural = _("week feedback")

    def __str__(self) -> str:
        return f"Feedback on week {self.week.number} for {self.enrolment.learner}"


class PhaseReview(models.Model):
    """A mentor's decision on a completed phase: signed off (a milestone) or returned with comments."""

    class Decision(models.TextChoices):
        SIGNED_OFF = "signed_off", _("Signed off")
        RETURNED = "returned", _("Returned with comments")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="phase_reviews")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    comments = models.TextField(blank=True, max_length=5000)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "phase"],
                condition=Q(decision="signed_off"),
                name="one_sign_off_per_enrolment_phase",
                violation_error_message=_("This phase is already signed off."),
            )
        ]

    def __str__(self) -> str:
        return f"Phase {self.phase.number} of {self.enrolment.learner}: {self.get_decision_display()}"


class MenteeFlags(models.Model):
    """The flags of an enrolment that other apps' writes raise and lower (quiz and project work), stored
    so that the mentor table sorts by the number of flags from one joined row: computed per row on every
    page, the quiz record's join through the user and the projects' subquery cost the default order
    twice as much as any other (BENCHMARKS.md). "Behind" and "inactive" are read live beside it (the
    stored standing, the enrolment's last activity): they change with time.

    Written only by `mentoring.services.mentee_flags_refresh`, from the table's own flag conditions, in
    the transaction of every write that can change them: a quiz record's refresh, a project version's
    submission or review, a new enrolment or staff's edit of one. Without a row, an enrolment has none
    of these flags.
    """

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, primary_key=True, related_name="mentee_flags"
    )
    failed_quiz = models.BooleanField(default=False)
    pending_review = models.BooleanField(default=False)
    project_waiting = models.BooleanField(default=False)
    count = models.PositiveSmallIntegerField(default=0, help_text=_("How many of the three are raised."))
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("mentee flags")

    def __str__(self) -> str:
        return f"Flags of enrolment {self.enrolment_id}: {self.count}"
