"""The record of every reminder: one row per (enrolment, curriculum week, kind), claimed before sending.

The unique constraint is what makes a reminder go out exactly once: a second run, a duplicated beat or
a retried task finds the row already there and only sends it if it is still unsent and not being sent
by someone else (see `reminders.services.reminder_logs_claim`).
"""

from django.db import models

from progress.models import Enrolment


class ReminderLog(models.Model):
    class Kind(models.TextChoices):
        WEEKLY = "weekly", "This week's plan"
        BEHIND = "behind", "Behind schedule"
        INACTIVE = "inactive", "Re-engagement"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reminder_logs")
    week = models.PositiveSmallIntegerField(
        help_text="The curriculum week the reminder is about: the learner's current week on the day it ran."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker claimed it.")
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "week", "kind"], name="one_reminder_per_enrolment_week_kind"
            )
        ]
        # The admin lists the newest first; a year of weekly runs is millions of rows.
        indexes = [models.Index(fields=["-created_at", "-id"], name="reminderlog_newest_first")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · week {self.week} · {self.get_status_display()}"
