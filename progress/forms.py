from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils import timezone

from progress.models import Enrolment, WeekProgress

PACE_CHOICES = [
    (Decimal("1"), "Standard: one curriculum week per week"),
    (Decimal("0.5"), "Half pace: one curriculum week every two weeks"),
    (Decimal("0.75"), "Three-quarter pace"),
    (Decimal("1.5"), "Faster: three curriculum weeks every two weeks"),
    (Decimal("2"), "Double pace: two curriculum weeks per week"),
]
TIMEZONE_CHOICES = [(name, name) for name in sorted(available_timezones())]


def next_monday(today: date | None = None) -> date:
    today = today or timezone.now().date()
    return today + timedelta(days=(7 - today.weekday()) % 7)


class EnrolmentForm(forms.Form):
    start_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Week 1 starts on this day (a Monday by default).",
    )
    pace = forms.TypedChoiceField(choices=PACE_CHOICES, coerce=Decimal, initial=Decimal("1"))
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, help_text="Your weeks start at midnight here.")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["start_date"].initial = next_monday()
        self.fields["timezone"].initial = settings.TIME_ZONE


class WeekProgressForm(forms.Form):
    status = forms.ChoiceField(choices=WeekProgress.Status.choices)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
        help_text="Only you, your mentor and staff can read these.",
    )


class LearnerSettingsForm(forms.Form):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES)
    reminder_cadence = forms.ChoiceField(
        choices=Enrolment.ReminderCadence.choices, label="Reminder e-mails", widget=forms.RadioSelect
    )
