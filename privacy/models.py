"""A user's data exports (a zip built by a task, downloaded once through a link) and account deletion
requests (erased once their grace period ends, unless the user logs in first)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_export_name() -> str:
    """Where an export's zip is stored: random, never derived from the user."""
    return f"data-exports/{secrets.token_hex(16)}.zip"


class DataExport(models.Model):
    """One "Download my data" request: built by `privacy.tasks.build_data_export`, then downloadable once,
    until `expires_at`, through the link e-mailed to the user (only the link's hash is kept)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready to download")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")

    IN_PROGRESS = (Status.QUEUED, Status.BUILDING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent done while being prepared."))
    stage = models.CharField(max_length=100, blank=True, help_text=_("What is being prepared now."))
    file_name = models.CharField(
        max_length=100, default=new_export_name, help_text=_("The zip's name in the private storage.")
    )
    size = models.PositiveBigIntegerField(null=True, blank=True)
    token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text=_("SHA-256 of the download link's secret.")
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["queued", "building"]),
                name="one_export_in_progress_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"Data export {self.pk} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS


class DeletionRequest(models.Model):
    """A user's request to delete their account: pending until `erase_after` (logging in cancels it),
    then erased by `privacy.tasks.erase_due_accounts`. The row stays as the record (dates only)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        ERASED = "erased", _("Erased")

    class CancelledBy(models.TextChoices):
        USER = "user", _("Cancelled by the user")
        LOG_IN = "log_in", _("The user logged in")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    erase_after = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_deletion_per_user"
            )
        ]
        indexes = [models.Index(fields=["erase_after"], condition=Q(status="pending"), name="deletion_due")]

    def __str__(self) -> str:
        return f"Deletion request {self.pk} ({self.get_status_display()})"
