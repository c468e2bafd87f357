import secrets
from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from curriculum.models import Week
from progress.schedule import Shift


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            gettext("“%(zone)s” is not a known time zone (e.g. Europe/Paris, America/New_York).")
            % {"zone": value}
        )


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Enrolment(models.Model):
    """A learner following the curriculum from a start date at a pace."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left the curriculum")

    class ReminderCadence(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        WHEN_BEHIND = "when_behind", _("Only when I am behind")
        OFF = "off", _("Never")

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentees",
        limit_choices_to={"groups__name": "Mentors"},
    )
    start_date = models.DateField(help_text=_("The day week 1 starts."))
    pace = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("2"))],
        help_text=_("Curriculum weeks per calendar week: 1 is the standard pace, 0.5 is half pace."),
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    paused_on = models.DateField(null=True, blank=True, help_text=_("Set while the enrolment is paused."))
    ended_on = models.DateField(
        null=True, blank=True, help_text=_("The learner's date on which they left the curriculum.")
    )
    reminder_cadence = models.CharField(
        max_length=12, choices=ReminderCadence.choices, default=ReminderCadence.WEEKLY
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    # Enrolling again creates a new enrolment after an ended one (progress.lifecycle): it names the one
    # before, so the learner's pages (and their mentor at the time) reach every earlier enrolment's work.
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="next"
    )
    last_activity_at = models.DateTimeField(
        default=now, help_text=_("The learner's last action (marked progress, submitted work).")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(status__in=["active", "paused"]),
                name="one_current_enrolment_per_learner",
                violation_error_message=_("This learner is already enrolled."),
            )
        ]
        indexes = [models.Index(fields=["status", "mentor"])]

    def __str__(self) -> str:
        return f"{self.learner} from {self.start_date:%Y-%m-%d}"


class ScheduleChange(models.Model):
    """A shift of the schedule from one week on: a catch-up re-plan, a resumption after a pause or a
    new pace.

    The rows are the plan (week `from_week` starts on `starts_on`, later weeks follow at the pace in
    force) and the record of who changed it, which mentors see.
    """

    class Reason(models.TextChoices):
        REPLAN = "replan", _("Catch-up re-plan")
        RESUME = "resume", _("Resumed after a pause")
        PACE = "pace", _("Pace changed")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="schedule_changes")
    from_week = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    skipped_weeks = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Weeks that take no slot from `from_week` on (a re-plan skips those already completed)."),
    )
    pace = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("2"))],
        help_text=_("The pace from `from_week` on (empty: the pace in force before this change)."),
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    paused_from = models.DateField(
        null=True,
        blank=True,
        help_text=_("A resumption: the day the pause it ends began (the progress chart)."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: week {self.from_week} from {self.starts_on:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        weeks = self.skipped_weeks
        if not isinstance(weeks, list) or not all(isinstance(n, int) and n > 0 for n in weeks):
            raise ValidationError({"skipped_weeks": gettext("Give a list of week numbers, e.g. [4, 5].")})

    @property
    def first_week_with_slot(self) -> int:
        """The first week this change dates: `from_week`, or after the completed weeks it skips."""
        number = self.from_week
        while number in self.skipped_weeks:
            number += 1
        return number

    @property
    def shift(self) -> Shift:
        """This change as the schedule rule takes it (progress.schedule)."""
        return Shift(self.from_week, self.starts_on, frozenset(self.skipped_weeks or ()), self.pace)


class WeekProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="week_progress")
    week = models.ForeignKey(Week, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=10000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["week__number"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "week"], name="one_progress_row_per_enrolment_week")
        ]
        # The mentor workspace counts who marked a week in each of the last 12 weeks, per enrolment.
        indexes = [models.Index(fields=["enrolment", "updated_at"], name="progress_marked_at")]
        verbose_name_plural = _("week progress")

    def __str__(self) -> str:
        return f"{self.enrolment.learner} · week {self.week.number}: {self.get_status_display()}"


class Standing(models.Model):
    """Where a learner stands on their schedule, stored: what lists of many learners read and sort.

    Written only by `progress.standings.standing_refresh` (computed with `schedule.build_schedule`, the one
    schedule rule), in the transaction of every write that can change it, and when `refresh_due_at` comes
    (a periodic task): a learner's standing changes by itself only when one of their weeks starts.
    The learner's last activity stays on the enrolment (`Enrolment.last_activity_at`, written by
    `activity_touch`); lists read it through the same one-to-one join.
    """

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Starts soon")
        ON_TRACK = "on_track", _("On track")
        BEHIND = "behind", _("Behind")
        AHEAD = "ahead", _("Ahead")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, primary_key=True, related_name="standing"
    )
    state = models.CharField(max_length=12, choices=State.choices)
    planned_week = models.PositiveSmallIntegerField(
        null=True,
        help_text=_("The week whose dates contain the learner's today (none before week 1)."),
    )
    current_week = models.PositiveSmallIntegerField(
        null=True,
        help_text=_("The week to work on: the planned week, or the first unfinished week when ahead."),
    )
    weeks_behind = models.PositiveSmallIntegerField(default=0)
    weeks_ahead = models.PositiveSmallIntegerField(default=0)
    weeks_completed = models.PositiveSmallIntegerField(default=0)
    total_weeks = models.PositiveSmallIntegerField(default=0)
    completion_percent = models.PositiveSmallIntegerField(default=0)
    phase_completion = models.JSONField(
        default=list,
        help_text=_("[[phase number, weeks completed, weeks in the phase], …] in phase order."),
    )
    first_open_week = models.PositiveSmallIntegerField(
        null=True, help_text=_("The first week not completed (none once every week is).")
    )
    overdue_weeks = models.JSONField(default=list, help_text=_("The overdue weeks' numbers, in order."))
    current_starts_on = models.DateField(null=True, help_text=_("The current week's planned first day."))
    current_ends_on = models.DateField(null=True, help_text=_("The current week's planned last day."))
    changes_on = models.DateField(
        null=True,
        help_text=_("The learner-local date on which this standing next changes by itself."),
    )
    refresh_due_at = models.DateTimeField(
        null=True, help_text=_("The instant `changes_on` begins for the learner.")
    )
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["refresh_due_at"], name="standing_refresh_due"),
            models.Index(fields=["state", "weeks_behind"], name="standing_state_behind"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.label}"

    @property
    def label(self) -> str:
        from progress.schedule import state_label

        return state_label(self.state, weeks_behind=self.weeks_behind, weeks_ahead=self.weeks_ahead)

    @property
    def phase_percents(self) -> dict[int, int]:
        return {
            phase: round(100 * done / total) if total else 0 for phase, done, total in self.phase_completion
        }


class RebuildRun(models.Model):
    """One rebuild of every stored row of a kind (`standings`, `quiz_records`, `mentee_flags`),
    cut into id ranges that workers recompute one each (`progress.rebuilds`).

    At most one unfinished run per kind: a second command while one runs joins it instead of doing
    the work again, and a run whose ranges were not all done (a worker killed, the command stopped)
    is finished by the next. Every range is computed as of `as_of`, so the run agrees with itself
    and a range computed twice writes the same rows."""

    kind = models.CharField(max_length=40)
    as_of = models.DateTimeField()
    rows = models.PositiveIntegerField(help_text="The ids in its ranges when they were cut.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(finished_at=None), name="one_unfinished_rebuild_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} rebuild of {self.created_at:%Y-%m-%d %H:%M}"


class RebuildRange(models.Model):
    """The ids `first_id`..`last_id` (inclusive) of a rebuild run: one task's work. Done when
    `done_at` is set, in the transaction that wrote its rows; the task holds the row locked while it
    works, so a second task for it skips it, and a killed worker's lock goes with its connection."""

    run = models.ForeignKey(RebuildRun, on_delete=models.CASCADE, related_name="ranges")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    rows = models.PositiveIntegerField(help_text="The ids in the range when it was cut.")
    done_at = models.DateTimeField(null=True, blank=True)
    written = models.PositiveIntegerField(null=True, blank=True, help_text="Rows the range wrote.")
    last_error = models.TextField(blank=True, help_text="Why its last try failed (it wrote nothing then).")

    class Meta:
        ordering = ["first_id"]

    def __str__(self) -> str:
        return f"{self.run}: {self.first_id}–{self.last_id}"
