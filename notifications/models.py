"""The outbox: one row per e-mail the product sends, written before it is sent.

The unique `key` (chosen by the sender: "reminder:<enrolment>:<week>:<kind>", "digest:<mentor>:<monday>")
is what makes an e-mail go out at most once, whoever enqueues it how often; the status, the claim time
and the attempts are what make it go out at least once (see notifications.services).

This app knows no other app: it is given the recipient, the kind (a free label), the key and the
finished subject and bodies.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Email(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    to = models.EmailField(max_length=254, help_text="The address at the time it was enqueued.")
    kind = models.CharField(max_length=40, help_text="What it is about, e.g. reminder_weekly, mentor_digest.")
    key = models.CharField(
        max_length=200, help_text="The idempotency key: one e-mail per key, however often it is enqueued."
    )
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True, help_text="Extra headers, e.g. List-Unsubscribe.")
    notice = models.TextField(
        blank=True,
        help_text="A short text shown to the recipient in the product (their dashboard); blank: e-mail only.",
    )
    link = models.CharField(max_length=500, blank=True, help_text="Where the in-product notice leads.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker claimed it.")
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker last took it on.")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "e-mail"
        constraints = [models.UniqueConstraint(fields=["key"], name="one_email_per_key")]
        indexes = [
            # The admin lists the newest first; a year of weekly reminders is millions of rows.
            models.Index(fields=["-created_at", "-id"], name="email_newest_first"),
            # The sweep and the claims look only at the few unsent rows.
            models.Index(fields=["created_at"], condition=~Q(status="sent"), name="email_unsent"),
            # A recipient's in-product notices, newest first.
            models.Index(fields=["recipient", "-created_at"], condition=~Q(notice=""), name="email_notices"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.get_status_display()})"
