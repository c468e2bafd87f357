from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credentials.models import Certificate, validate_slug
from credentials.selectors import CompletedPhase, ProjectItem
from lms.markdown import COMMENT_HELP


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to everyone who checks the certificate)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        strip=True,
    )


class NameConfirmForm(forms.Form):
    name = forms.CharField(
        label=_("Your name, as it is printed on your certificate"),
        max_length=100,
        strip=True,
        help_text=_("Anyone who checks the certificate sees it: give your name as employers should read it."),
    )


class PortfolioForm(forms.Form):
    """The learner's choices, item by item: nothing is public until they tick it."""

    is_public = forms.BooleanField(
        label=_("Publish my portfolio"), required=False,
    )  # fmt: skip
    slug = forms.CharField(
        label=_("Public address"), max_length=50, validators=[validate_slug],
        help_text=_("Your portfolio is at /people/<this>/. An old address stays yours and leads here."),
    )  # fmt: skip
    headline = forms.CharField(label=_("Headline"), max_length=200, required=False)
    certificates = forms.MultipleChoiceField(
        label=_("Certificates to show"), required=False, widget=forms.CheckboxSelectMultiple
    )
    phases = forms.TypedMultipleChoiceField(
        label=_("Completed phases to show"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: object,
        certificates: list[Certificate],
        phases: list[CompletedPhase],
        projects: list[ProjectItem] = (),  # type: ignore[assignment]
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # What the box does now, in the words of the portfolio's current state (not both states at once).
        self.fields["is_public"].help_text = (
            gettext(
                "Published: anyone with the public address sees what you choose below. Untick to hide it; "
                "the address then shows nothing."
            )
            if self.initial.get("is_public")
            else gettext(
                "Not published: the public address shows nothing. Tick to publish what you choose below."
            )
        )
        self.projects = list(projects)
        for item in self.projects:
            self.fields[f"project_{item.version_id}_public"] = forms.BooleanField(
                label=gettext("Show “%(title)s” (week %(week)s)") % {"title": item.title, "week": item.week},
                required=False,
                initial=item.is_public,
            )
            self.fields[f"project_{item.version_id}_summary"] = forms.CharField(
                label=gettext("Your summary of “%(title)s”") % {"title": item.title}, required=False,
                max_length=2000, initial=item.summary, widget=forms.Textarea(attrs={"rows": 3}),
                help_text=gettext("What you built and what you learnt. %(markdown)s")
                % {"markdown": COMMENT_HELP},
            )  # fmt: skip
        self.fields["certificates"].choices = [  # type: ignore[attr-defined]
            (
                c.public_id,
                (gettext("%(title)s (%(day)s) — revoked") if c.is_revoked else gettext("%(title)s (%(day)s)"))
                % {"title": c.title_shown, "day": _issued_on(c)},
            )
            for c in certificates
        ]
        self.fields["phases"].choices = [  # type: ignore[attr-defined]
            (
                phase.number,
                gettext("Phase %(number)s: %(title)s") % {"number": phase.number, "title": phase.title},
            )
            for phase in phases
        ]

    def project_choices(self) -> dict[int, tuple[bool, str | None]]:
        data = self.cleaned_data
        return {
            item.version_id: (
                data[f"project_{item.version_id}_public"],
                data[f"project_{item.version_id}_summary"],
            )
            for item in self.projects
        }


class EndorsementForm(forms.Form):
    text = forms.CharField(
        label=_("Your endorsement (shown with the project when the learner makes it public)"),
        widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, strip=True,
    )  # fmt: skip


def _issued_on(certificate: Certificate) -> str:
    """The day the certificate was issued, in the reader's zone and date format."""
    return date_format(timezone.localtime(certificate.issued_at).date())
