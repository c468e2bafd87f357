from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.forms.renderers import Jinja2 as Jinja2FormRenderer
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import TimezoneField, display_name_field
from lms.forms import DateInput
from progress.models import Enrolment, ScheduleChange, WeekProgress

PACE_CHOICES = [
    (Decimal("1"), _("Standard: one curriculum week per week")),
    (Decimal("0.5"), _("Half pace: one curriculum week every two weeks")),
    (Decimal("0.75"), _("Three-quarter pace")),
    (Decimal("1.5"), _("Faster: three curriculum weeks every two weeks")),
    (Decimal("2"), _("Double pace: two curriculum weeks per week")),
]


def next_monday(today: date | None = None) -> date:
    today = today or timezone.now().date()
    return today + timedelta(days=(7 - today.weekday()) % 7)


class EnrolmentForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"),
        widget=DateInput(),
        help_text=_("Week 1 starts on this day (a Monday by default)."),
    )
    pace = forms.TypedChoiceField(choices=PACE_CHOICES, coerce=Decimal, initial=Decimal("1"), label=_("Pace"))
    timezone = TimezoneField(help_text=_("Your weeks start at midnight here."))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["start_date"].initial = next_monday()
        self.fields["timezone"].initial = settings.TIME_ZONE
        if not self.is_bound:  # a form sent back with errors keeps the learner's choice
            self.fields["timezone"].preselect_browser_zone()  # type: ignore[attr-defined]


class PaceForm(forms.Form):
    pace = forms.TypedChoiceField(
        choices=PACE_CHOICES,
        coerce=Decimal,
        label=_("Your pace"),
        help_text=_("From next week on: this week and the weeks before keep their dates."),
    )


class LeaveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I want to leave the curriculum"),
        error_messages={"required": _("Tick the box to confirm that you want to leave.")},
    )


# Django's own widget templates, in their Jinja2 version (the same markup): the learner's week page,
# one of the most visited, renders its form a third faster with them than with the template engine.
JINJA2_WIDGETS = Jinja2FormRenderer()


class WeekProgressForm(forms.Form):
    default_renderer = JINJA2_WIDGETS
    status = forms.ChoiceField(choices=WeekProgress.Status.choices, label=_("Status"))
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
        label=_("Notes"),
        help_text=_("Only you, your mentor and staff can read these."),
    )


class LearnerSettingsForm(forms.Form):
    name = display_name_field()
    timezone = TimezoneField(help_text=_("Your weeks start at midnight here."))
    reminder_cadence = forms.ChoiceField(
        choices=Enrolment.ReminderCadence.choices,
        label=_("Which reminders you get"),
        help_text=_("How each reaches you (e-mail, a weekly digest or the site only): notice preferences."),
        widget=forms.RadioSelect,
    )


class ReplanConfirmForm(forms.Form):
    """The re-plan the learner saw in the preview; a different one today is shown again, not made."""

    from_week = forms.IntegerField(min_value=1, max_value=1000, widget=forms.HiddenInput)
    starts_on = forms.DateField(widget=forms.HiddenInput(), input_formats=["%Y-%m-%d"])

    @classmethod
    def for_change(cls, change: ScheduleChange) -> "ReplanConfirmForm":
        return cls(initial={"from_week": change.from_week, "starts_on": change.starts_on.isoformat()})

    def confirming(self) -> tuple[int, date]:
        return self.cleaned_data["from_week"], self.cleaned_data["starts_on"]
