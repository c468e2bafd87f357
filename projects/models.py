"""Projects: a brief with a rubric per project week, learners' versions, mentors' reviews.

A learner's work on a project is a series of versions (v1, v2 …) under their enrolment. At most one is a
draft (editable); submitting makes it immutable and puts it in the mentor's queue; a review decides
"accepted" or "changes requested", after which the learner may start the next version. Every version
and review is kept (and audited).
"""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from curriculum.models import Week
from progress.models import Enrolment
from projects.repository_urls import public_repository_url
from projects.rubric import LevelRange, range_problems, rubric_problems

commit_or_tag = RegexValidator(
    r"^(?:[0-9a-f]{7,40}|(?!.*\.\.)(?!.*//)[A-Za-z0-9][A-Za-z0-9._/-]{0,99})$",
    message="Enter a commit SHA (7 to 40 hexadecimal characters) or a tag such as v1.0.",
)


class Project(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        MINI = "mini", _("Mini-project (optional)")

    week = models.OneToOneField(Week, on_delete=models.PROTECT, related_name="project")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    title = models.CharField(max_length=200)
    brief = models.TextField(help_text=_("Markdown: what to build and why."))
    deliverables = models.TextField(help_text=_("Markdown: what to hand in."))
    pass_mark = models.PositiveSmallIntegerField(
        help_text=_("Points needed to pass (and no criterion at its lowest level).")
    )
    signs_off_phase = models.BooleanField(
        default=False, help_text=_("The week's phase is signed off only once this project is accepted.")
    )
    is_published = models.BooleanField(
        default=False, help_text=_("Learners see it (only with a complete rubric).")
    )

    class Meta:
        ordering = ["week__number"]

    def __str__(self) -> str:
        return f"Week {self.week.number} project: {self.title}" if self.week_id else self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.week.number])

    def clean(self) -> None:
        super().clean()
        if self.signs_off_phase and self.kind == self.Kind.MINI:
            raise ValidationError(
                {"signs_off_phase": gettext("An optional mini-project cannot gate a sign-off.")}
            )
        # A new row has no criteria yet: its rubric is checked once saved (admin, the curriculum loader).
        if self.is_published and not self._state.adding:
            problems = rubric_problems(project=self)
            if problems:
                raise ValidationError(
                    {
                        "is_published": [
                            gettext("Not published: %(problems)s") % {"problems": " ".join(problems)}
                        ]
                    }
                )

    @classmethod
    def content_problems(cls) -> list[str]:
        """Every published project's rubric problems (the curriculum loader checks them after loading)."""
        return [
            f"{project}: {problem}"
            for project in cls.objects.filter(is_published=True).select_related("week")
            for problem in rubric_problems(project=project)
        ]


class Criterion(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    description = models.TextField(help_text=_("What the mentor looks for."))
    objectives = models.TextField(
        blank=True, help_text=_("The week's objectives it assesses, one per line, as the week states them.")
    )

    class Meta:
        ordering = ["project", "order", "id"]
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.title

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        if not self.project_id:
            return
        week = Week.objects.filter(project__pk=self.project_id).first()
        known = set(week.objectives) if week else set()
        unknown = [line for line in self.objective_list if line not in known]
        if unknown:
            raise ValidationError(
                {
                    "objectives": gettext("Not an objective of week %(number)s: %(objectives)s")
                    % {"number": week.number if week else "?", "objectives": "; ".join(unknown)}
                }
            )

    @property
    def max_points(self) -> int:
        return max((level.max_points for level in self.levels.all()), default=0)


class Level(models.Model):
    """One level of a criterion with its point range (e.g. "Proficient 7 to 8"); ranges do not overlap."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    label = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    min_points = models.PositiveSmallIntegerField()
    max_points = models.PositiveSmallIntegerField(validators=[MaxValueValidator(1000)])

    class Meta:
        ordering = ["criterion", "min_points", "id"]

    def __str__(self) -> str:
        return str(self.range)

    @property
    def range(self) -> LevelRange:
        return LevelRange(self.label, self.min_points, self.max_points)

    def clean(self) -> None:
        super().clean()
        if self.min_points is None or self.max_points is None:
            return
        problems = range_problems([self.range])
        if not problems and self.criterion_id:
            siblings = Level.objects.filter(criterion_id=self.criterion_id).exclude(pk=self.pk)
            problems = [
                gettext("“%(range)s” overlaps “%(other)s”: a score must fall in exactly one level.")
                % {"range": self.range, "other": other.range}
                for other in siblings
                if other.min_points <= self.max_points and self.min_points <= other.max_points
            ]
        if problems:
            raise ValidationError(" ".join(problems))


def _attachment_path(attachment: "Attachment", filename: str) -> str:
    """A random name under the version: never the uploader's own path, never guessable."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return (
        f"projects/{attachment.version.enrolment_id}/{attachment.version_id}/{secrets.token_hex(16)}{suffix}"
    )


class Version(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="project_versions")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    repository_url = models.CharField(max_length=500, blank=True, validators=[public_repository_url])
    commit = models.CharField(max_length=100, blank=True, validators=[commit_or_tag])
    report = models.TextField(blank=True, max_length=50_000, help_text=_("Markdown."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "project", "number"], name="one_version_number"),
            models.UniqueConstraint(
                fields=["enrolment", "project"],
                condition=Q(status="draft"),
                name="one_draft_per_project",
                violation_error_message="You already have a draft of this project.",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="version_queue")]

    def __str__(self) -> str:
        return f"{self.project} · v{self.number} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("projects:version", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Attachment(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(max_length=200, help_text=_("The file's name as uploaded."))
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:attachment", args=[self.pk])


class Review(models.Model):
    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    version = models.OneToOneField(Version, on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(max_length=10_000)
    total_points = models.PositiveSmallIntegerField()
    passed = models.BooleanField(help_text=_("The rubric's pass rule, whatever the decision."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Review of {self.version}: {self.get_decision_display()}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"

    def clean(self) -> None:
        super().clean()
        if self.level_id and self.criterion_id and self.level.criterion_id != self.criterion_id:
            raise ValidationError({"level": gettext("This level belongs to another criterion.")})
        if self.level_id and self.points is not None and not self.level.range.holds(self.points):
            raise ValidationError(
                {
                    "points": gettext("%(points)s is outside “%(range)s”: give %(low)s to %(high)s.")
                    % {
                        "points": self.points,
                        "range": self.level.range,
                        "low": self.level.min_points,
                        "high": self.level.max_points,
                    }
                }
            )
