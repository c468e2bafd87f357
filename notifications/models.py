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
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Email(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("e-mail status", "Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty for an address with no account (a password reset asked for an unknown address)."),
    )
    to = models.EmailField(max_length=254, help_text=_("The address at the time it was enqueued."))
    kind = models.CharField(
        max_length=40, help_text=_("What it is about, e.g. reminder_weekly, mentor_digest.")
    )
    key = models.CharField(
        max_length=200, help_text=_("The idempotency key: one e-mail per key, however often it is enqueued.")
    )
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    holds_secret = models.BooleanField(
        default=False,
        db_default=False,  # (rows written past this model, by older migrations' models, hold none)
        help_text=_(
            "Its body holds a credential (a password-reset link, a sign-in or confirmation code): "
            "never shown, and cleared once the mail server has accepted it."
        ),
    )
    headers = models.JSONField(default=dict, blank=True, help_text=_("Extra headers, e.g. List-Unsubscribe."))
    notice = models.TextField(
        blank=True,
        help_text=_(
            "A short text shown to the recipient in the product (their dashboard); blank: e-mail only."
        ),
    )
    link = models.CharField(max_length=500, blank=True, help_text=_("Where the in-product notice leads."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_("How many times a worker claimed it."))
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text=_("When a worker last took it on."))
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail")
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


class Delivery(models.TextChoices):
    """How a kind of notice reaches its recipient, beyond the product (where every notice shows)."""

    IN_PRODUCT = "in_product", _("In the product only")
    EMAIL = "email", _("In the product and by e-mail")
    DIGEST = "digest", _("In the product and in a weekly e-mail digest")


class Notice(models.Model):
    """A notice shown to its recipient in the product (the bell, the notices page, the dashboard).

    Created once per `key` (the same idempotency key as its e-mail) by `services.notify`, which also
    sends it by e-mail, now or in the weekly digest, as the recipient's preference for its kind says
    (`delivery` records what was chosen when it was created).
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200, help_text=_("The idempotency key: one notice per key."))
    title = models.CharField(
        max_length=300, blank=True, help_text=_("A one-line headline (the e-mail's subject).")
    )
    text = models.TextField()
    link = models.CharField(
        max_length=500, blank=True, help_text=_("A path on this site the notice leads to.")
    )
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.IN_PRODUCT)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When a weekly digest e-mail took it (delivery: digest).")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key"], name="one_notice_per_key")]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notice_newest_first"),
            # The bell's unread count on every page: an index-only count of the few unread rows.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread"),
            models.Index(
                fields=["recipient"],
                condition=Q(delivery="digest", digested_at__isnull=True),
                name="notice_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def safe_link(self) -> str:
        """The link when it is a path on this site (never another host, never a script)."""
        link = self.link
        # url_has_allowed_host_and_scheme refuses "//host" and "/\\host" (browsers read both as a host).
        on_site = link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=set())
        return link if on_site else ""


class NoticePreference(models.Model):
    """A user's choice of delivery for one kind of notice; without a row, the kind's default applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_user_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind}: {self.get_delivery_display()}"
