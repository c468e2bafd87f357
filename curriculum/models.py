from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# Resources are web pages: a link of another scheme (javascript:, data:, ftp:) is refused.
web_link = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://.")
)


def week_heading(number: int, topic: str) -> str:
    """ "Week 5: Linear regression" (the heading of a week wherever it is named with its topic)."""
    return gettext("Week %(number)s: %(topic)s") % {"number": number, "topic": topic}


class Phase(models.Model):
    number = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(1)])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Phase {self.number}: {self.title}"

    @property
    def heading(self) -> str:
        """ "Phase 2: Classical ML", in the reader's language (Jinja2 templates show it: makemessages
        reads no `_()` with arguments there)."""
        return gettext("Phase %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class Week(models.Model):
    number = models.PositiveSmallIntegerField(
        unique=True,
        validators=[MinValueValidator(1)],
        help_text=_("From 1, without gaps: the curriculum has as many weeks as it has rows."),
    )
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="weeks")
    topic = models.CharField(max_length=200)
    focus_area = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    learning_objectives = models.TextField(blank=True, help_text=_("One objective per line."))
    estimated_hours = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(1), MaxValueValidator(80)]
    )

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Week {self.number}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("curriculum:week-detail", args=[self.number])

    @property
    def heading(self) -> str:
        """ "Week 5: Linear regression", in the reader's language (as `Phase.heading`)."""
        return week_heading(self.number, self.topic)

    @property
    def estimated_hours_text(self) -> str:
        hours = self.estimated_hours
        return ngettext("about %(count)s hour", "about %(count)s hours", hours) % {"count": hours}

    @property
    def objectives(self) -> list[str]:
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]

    def clean(self) -> None:
        """A week's phase must fit between the phases of the weeks around it."""
        super().clean()
        if self.number is None or self.phase_id is None:
            return
        others = Week.objects.exclude(pk=self.pk).select_related("phase")
        earlier = others.filter(number__lt=self.number).order_by("-number").first()
        later = others.filter(number__gt=self.number).order_by("number").first()
        phase_number = Phase.objects.values_list("number", flat=True).filter(pk=self.phase_id).first()
        if phase_number is None:
            return  # no such phase: the field's own check says so
        if earlier and earlier.phase.number > phase_number:
            raise ValidationError(
                {
                    "phase": gettext(
                        "Week %(other)s is already in phase %(phase)s; week %(number)s cannot be in an "
                        "earlier phase."
                    )
                    % {"other": earlier.number, "phase": earlier.phase.number, "number": self.number}
                }
            )
        if later and later.phase.number < phase_number:
            raise ValidationError(
                {
                    "phase": gettext(
                        "Week %(other)s is in phase %(phase)s; week %(number)s cannot be in a later phase."
                    )
                    % {"other": later.number, "phase": later.phase.number, "number": self.number}
                }
            )
        highest = others.aggregate(models.Max("number"))["number__max"] or 0
        if self.number > highest + 1 and not others.filter(number__gt=self.number).exists():
            raise ValidationError(
                {
                    "number": gettext("Weeks are numbered without gaps: the next week is %(number)s.")
                    % {"number": highest + 1}
                }
            )


class Resource(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper")
        ARTICLE = "article", _("Article")
        VIDEO = "video", _("Video")
        BOOK = "book", _("Book")
        COURSE = "course", _("Course")
        DOCS = "docs", _("Documentation")
        TOOL = "tool", _("Tool")

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="resources")
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, validators=[web_link])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)

    class Meta:
        ordering = ["week__number", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def link(self) -> str:
        """The URL when it is a web link (http or https), else "": what templates put in an href, so that
        a row saved without validation (plain `loaddata`) never renders a `javascript:` or other link."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""
