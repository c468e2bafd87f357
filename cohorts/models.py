"""Cohorts: a group of learners who start on one day at one pace, with their mentors.

A learner belongs to a cohort through their enrolment (`Membership`, one cohort per enrolment): the
cohort's figures are their enrolments' stored standings, and a learner who leaves and enrols again
later is not counted twice.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.text import plain_text
from progress.models import Enrolment, validate_timezone


class Cohort(models.Model):
    name = models.CharField(max_length=150, unique=True)
    start_date = models.DateField(
        help_text=_("The day week 1 starts for everyone enrolled through the cohort.")
    )
    pace = models.DecimalField(
        _("default pace"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("2"))],
        help_text=_("Curriculum weeks per calendar week for its enrolments (each learner may change it)."),
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("The time zone new enrolments start in (each learner may change theirs in Settings)."),
    )
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="cohorts_mentored",
        limit_choices_to={"groups__name": "Mentors"},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.name = plain_text(self.name, field="name", max_length=150)


class Membership(models.Model):
    """An enrolment made (or moved) into a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="cohort_membership")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment.learner} in {self.cohort}"
