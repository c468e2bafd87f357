"""An invitation: an e-mail with a single-use, expiring link by which a person staff onboarded sets
their password (or goes to the log-in page, where single sign-on is offered) and joins their cohort.

Only a hash of the link's secret is stored: the link exists in the e-mail alone. Resending makes a new
secret (the previous link stops working), so each e-mail sent has its own outbox key.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation", "Pending")
        ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
        REVOKED = "revoked", pgettext_lazy("invitation", "Revoked")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254, help_text=_("The address the invitation was sent to."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_count = models.PositiveSmallIntegerField(default=0, help_text=_("How many e-mails were sent."))
    sent_at = models.DateTimeField(null=True, blank=True, help_text=_("When the last e-mail was enqueued."))
    expires_at = models.DateTimeField(help_text=_("The link of the last e-mail works until then."))
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Re-importing a file finds the invitation already there: nobody is invited twice to a cohort.
            models.UniqueConstraint(fields=["user", "cohort"], name="one_invitation_per_user_and_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.cohort}"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()

    @property
    def state_label(self) -> str:
        return pgettext("invitation", "Expired") if self.is_expired else str(self.get_status_display())
