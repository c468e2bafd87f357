"""Certificates (issued when a mentor signs a phase off, and for the whole curriculum) and portfolios.

A certificate keeps what it certified as it was on the day (the learner's name, the phase's title,
weeks and criteria, the mentor, the accepted project): the PDF, the signed credential and the
verification page are all made from these columns, so editing the curriculum or a name later never
changes a certificate already given — and the signed credential is the same however often it is
downloaded (Ed25519 signatures are deterministic).
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from curriculum.models import Phase
from progress.models import Enrolment

PUBLIC_ID_PATTERN = r"[A-Za-z0-9_-]{22}"
"""What `new_public_id` makes: 16 random bytes, base64url (22 characters, 128 bits)."""


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


SYSTEM_REASONS = {
    "reissued": pgettext_lazy("revocation reason", "reissued"),
    "Withdrawn at the holder's request.": _("Withdrawn at the holder's request."),
}
"""The revocation reasons the system writes (credentials.lifecycle.REISSUED_REASON, the erasure's
credentials.personal_data.ERASED_REVOCATION_REASON), stored in English, as people read them."""


PHASE_TITLE = re.compile(r"Phase (?P<number>\d+): (?P<title>.+)", re.DOTALL)
CURRICULUM_TITLE = re.compile(r"(?P<site>.+): the complete (?P<count>\d+)-week curriculum")
"""The titles `credentials.services` gives a phase's and the curriculum's certificate."""


def _title_shown(title: str) -> str:
    if phase := PHASE_TITLE.fullmatch(title):
        return gettext("Phase %(number)s: %(title)s") % phase.groupdict()
    if whole := CURRICULUM_TITLE.fullmatch(title):
        count = int(whole["count"])
        return ngettext(
            "%(site)s: the complete %(count)s-week curriculum",
            "%(site)s: the complete %(count)s-week curriculum",
            count,
        ) % {"site": whole["site"], "count": count}
    return title


def _system_reason_shown(reason: str) -> str:
    shown = SYSTEM_REASONS.get(reason)
    return reason if shown is None else str(shown)


STATUS_LIST_BITS = 131_072
"""The revocation list's length: the Bitstring Status List's minimum (16 KB), which hides which entries
are in use. Certificates take random, unique positions in it."""


def new_status_index() -> int:
    """A random position in the revocation list (the Bitstring Status List spec recommends random
    allocation: a row id would tell how many certificates exist and in what order they were issued).
    Unique by the column's constraint: the issuing service draws again on a collision."""
    return secrets.randbelow(STATUS_LIST_BITS)


class Certificate(models.Model):
    """Proof of a signed-off phase (`phase` set) or of the whole curriculum (`phase` empty)."""

    class Kind(models.TextChoices):
        PHASE = "phase", _("Phase certificate")
        CURRICULUM = "curriculum", _("Curriculum certificate")

    class Status(models.TextChoices):
        """What the public is told (not a column): valid is the state "issued"."""

        VALID = "valid", pgettext_lazy("certificate", "Valid")
        REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")

    class State(models.TextChoices):
        """The lifecycle's states (`credentials.lifecycle.CERTIFICATE`, the one writer's table)."""

        AWAITING_NAME = "awaiting_name", _("Awaiting the learner's name")
        ISSUED = "issued", pgettext_lazy("certificate", "Issued")
        REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")

    public_id = models.CharField(
        max_length=32, unique=True, default=new_public_id, editable=False,
        help_text=_("The unguessable identifier in the verification URL (not the row's id)."),
    )  # fmt: skip
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Deleting the account deletes its certificates (their verification pages then answer 404).
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="certificates")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.AWAITING_NAME, editable=False,
        help_text=_("Written only through credentials.lifecycle (the services ask it first)."),
    )  # fmt: skip
    # What was certified, as it was when issued ("" while awaiting the learner's name, and once erased).
    recipient_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    criteria = models.TextField(help_text=_("How it was earned: the achievement's criteria."))
    first_week = models.PositiveSmallIntegerField()
    last_week = models.PositiveSmallIntegerField()
    project_title = models.CharField(max_length=300, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_by_name = models.CharField(max_length=200)
    issued_at = models.DateTimeField(help_text=_("When issued (while awaiting a name: when signed off)."))
    # Revocation: shown wherever the certificate is (pages, JSON, PDF, the status list).
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(blank=True, max_length=1000)
    replaces = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by",
        help_text=_("The revoked certificate this one was issued again for."),
    )  # fmt: skip
    status_index = models.PositiveIntegerField(
        unique=True, default=new_status_index, editable=False,
        help_text=_("The certificate's bit in the published revocation list (random; certificates issued "
        "before random allocation keep the row id their signed credentials name)."),
    )  # fmt: skip
    # The learner's choice: listed on their public portfolio.
    in_portfolio = models.BooleanField(default=False)
    pdf = models.FileField(upload_to="certificates/", blank=True, max_length=200)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            # Exactly once: one valid certificate per enrolment and phase (a revoked one may be re-issued) …
            models.UniqueConstraint(
                fields=["enrolment", "phase"],
                condition=Q(revoked_at__isnull=True, phase__isnull=False),
                name="one_valid_certificate_per_enrolment_phase",
                violation_error_message=_("This phase already has a certificate."),
            ),
            # … and one for the whole curriculum.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(revoked_at__isnull=True, phase__isnull=True),
                name="one_valid_curriculum_certificate_per_enrolment",
                violation_error_message=_("The curriculum already has a certificate."),
            ),
            models.CheckConstraint(
                condition=Q(kind="phase", phase__isnull=False) | Q(kind="curriculum", phase__isnull=True),
                name="certificate_kind_matches_phase",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="revoked", revoked_at__isnull=False)
                | Q(state__in=["awaiting_name", "issued"], revoked_at__isnull=True),
                name="certificate_state_matches_revoked_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.recipient_name}"

    @property
    def is_revoked(self) -> bool:
        return self.state == self.State.REVOKED

    @property
    def is_awaiting_name(self) -> bool:
        return self.state == self.State.AWAITING_NAME

    @property
    def status(self) -> "Certificate.Status":
        return self.Status.REVOKED if self.is_revoked else self.Status.VALID

    @property
    def weeks_label(self) -> str:
        """The weeks it certifies ("Weeks 1-12"), in the reader's language (the PDF: its learner's)."""
        return gettext("Weeks %(first)s–%(last)s") % {"first": self.first_week, "last": self.last_week}

    @property
    def title_shown(self) -> str:
        """The title as people read it, in their language: the titles the issuing writes ("Phase 2: …",
        "<site>: the complete 52-week curriculum") are stored in English, as certified on the day (the
        signed credential names them so); their fixed words are translated here, the phase's title and
        the site's name stay as they are. Any other title is shown as stored."""
        return _title_shown(self.title)

    @property
    def revocation_reason_shown(self) -> str:
        """The revocation's reason as people read it: the reasons the system writes (a reissue, an
        erased account) are stored as fixed English words and translated here; staff's own words are
        shown as they wrote them."""
        return _system_reason_shown(self.revocation_reason)

    @property
    def status_list_index(self) -> int:
        """The certificate's bit in the published revocation list."""
        return self.status_index


SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$")
RESERVED_SLUGS = {"admin", "api", "me", "new", "settings", "export", "print"}


def validate_slug(value: str) -> None:
    if not SLUG_RE.match(value) or "--" in value:
        raise ValidationError(
            gettext(
                "Use 3 to 50 lower-case letters, digits and single hyphens, starting and ending with a "
                "letter or digit (e.g. ada-lovelace)."
            )
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(
            gettext("“%(address)s” is reserved; choose another address.") % {"address": value}
        )


class Portfolio(models.Model):
    """A learner's public page: off until they turn it on, showing only what they choose."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio"
    )
    slug = models.CharField(
        max_length=50, unique=True, validators=[validate_slug],
        help_text=_("The public address: /people/<slug>/. Old ones stay the learner's and redirect here."),
    )  # fmt: skip
    is_public = models.BooleanField(default=False)
    headline = models.CharField(max_length=200, blank=True)
    show_phases = models.JSONField(
        default=list, blank=True, help_text=_("Numbers of the completed phases the learner lists publicly.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portfolio")

    def __str__(self) -> str:
        return f"Portfolio of {self.learner}"

    def clean(self) -> None:
        super().clean()
        phases = self.show_phases
        if not isinstance(phases, list) or not all(isinstance(n, int) and n > 0 for n in phases):
            raise ValidationError({"show_phases": gettext("Give a list of phase numbers, e.g. [1, 2].")})


class PortfolioAddress(models.Model):
    """Every address a portfolio has had, the current one included: an address is its portfolio's for
    good, so a retired one redirects to the new address and nobody else can take it (the unique slug
    settles two learners asking for the same one at once)."""

    slug = models.CharField(max_length=50, unique=True)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="addresses")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("portfolio addresses")

    def __str__(self) -> str:
        return f"/people/{self.slug}/"


class PortfolioProject(models.Model):
    """The learner's choice for one accepted project: shown on the portfolio or not, with their summary."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="projects")
    version = models.OneToOneField("projects.Version", on_delete=models.CASCADE, related_name="+")
    summary = models.TextField(blank=True, max_length=2000, help_text=_("Written by the learner."))
    is_public = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Project {self.version_id} on {self.portfolio}"


class Endorsement(models.Model):
    """A mentor's words about an accepted project, shown beside it when the learner makes it public."""

    version = models.OneToOneField("projects.Version", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    mentor_name = models.CharField(max_length=200)
    text = models.TextField(max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Endorsement of project {self.version_id} by {self.mentor_name}"
