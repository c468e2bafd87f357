"""Extra sign-up fields (allauth adds them to its form: ACCOUNT_SIGNUP_FORM_CLASS), the time zone field
every form that asks for one uses, and a person's preferences (zone, language, weekly e-mails)."""

import json

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.names import NAME_MAX_LENGTH, validate_name
from accounts.timezones import canonical_timezone, timezone_aliases, timezone_choices


class TimezoneField(forms.ChoiceField):
    """The canonical IANA zones grouped by region. A deprecated alias (an older enrolment's, or posted)
    stands for its canonical zone."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=timezone_choices, **kwargs)  # type: ignore[arg-type]

    def prepare_value(self, value: object) -> object:
        return canonical_timezone(value) if isinstance(value, str) else value

    def to_python(self, value: object) -> str:
        return canonical_timezone(super().to_python(value))

    def preselect_browser_zone(self) -> None:
        """Let static/js/timezone.js choose the browser's zone (aliases it may report included)."""
        self.widget.attrs["data-browser-zone"] = "true"
        self.widget.attrs["data-aliases"] = json.dumps(timezone_aliases(), separators=(",", ":"))


def display_name_field() -> forms.CharField:
    """The person's display name as a form field: the one definition, for sign-up and Settings."""
    return forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        validators=[validate_name],
        help_text=_(
            "How your mentor and the site show you. Empty: the first and last name on your account, "
            "or else “Unnamed user” and a number (never your e-mail address)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class SignupForm(forms.Form):
    name = display_name_field()
    time_zone = TimezoneField(
        required=False,  # a client without the field (a script): the site's zone
        help_text=_("Dates and times are shown in this zone, and weekly e-mails come at your morning here."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].initial = settings.TIME_ZONE
        self.fields["time_zone"].preselect_browser_zone()  # type: ignore[attr-defined]

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth calls this once the new row is written; its fields went into that row already
        (`AccountAdapter.save_user`, so that sign-up writes it once)."""


def hour_choices() -> list[tuple[int, str]]:
    return [(hour, f"{hour:02d}:00") for hour in range(24)]


class PreferencesForm(forms.Form):
    """A person's own zone and language, and when their weekly e-mails come (reminders, digests)."""

    time_zone = TimezoneField(
        help_text=_("Every date and time the site and its e-mails show you is in this zone.")
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As my browser asks")), *settings.LANGUAGES],
    )
    weekly_email_weekday = forms.TypedChoiceField(
        label=_("Weekly e-mails on"), choices=User.Weekday.choices, coerce=int
    )
    weekly_email_hour = forms.TypedChoiceField(
        label=_("at"),
        choices=hour_choices,
        coerce=int,
        help_text=_(
            "Your weekly reminder (or, for mentors, the digest) comes on this day at this hour, your time."
        ),
    )

    @staticmethod
    def initial_for(user: User) -> dict[str, object]:
        return {
            "time_zone": user.time_zone,
            "language": user.language,
            "weekly_email_weekday": user.weekly_email_weekday,
            "weekly_email_hour": user.weekly_email_hour,
        }
