from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from lms.record_admin import ServiceWrittenAdmin
from lms.stored_admin import StoredStateAdmin
from progress import services, standings
from progress.lifecycle import ENROLMENT
from progress.models import Enrolment, ScheduleChange, Standing, WeekProgress


class ScheduleChangeInline(admin.TabularInline):
    model = ScheduleChange
    fields = ("created_at", "reason", "from_week", "starts_on", "changed_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class EnrolmentAdminForm(forms.ModelForm):
    """A change of status is one of the lifecycle's moves (progress.lifecycle); any other is a form
    error saying what is possible (the service checks again under its lock)."""

    class Meta:
        model = Enrolment
        fields = (
            "learner",
            "mentor",
            "start_date",
            "pace",
            "timezone",
            "status",
            "paused_on",
            "ended_on",
            "reminder_cadence",
        )

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        if self.instance.pk is None:
            if status != Enrolment.Status.ACTIVE:
                raise forms.ValidationError(gettext_lazy("A new enrolment starts active."))
        elif status != self.initial.get("status", status):
            ENROLMENT.move_between(source=self.initial["status"], target=status)
        return status


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    form = EnrolmentAdminForm
    list_display = (
        "learner",
        "mentor",
        "start_date",
        "pace",
        "status",
        "reminder_cadence",
        "last_activity_at",
    )
    list_filter = ("status", "reminder_cadence", "mentor")
    list_select_related = ("learner", "mentor")
    search_fields = ("learner__email", "learner__username", "mentor__email")
    autocomplete_fields = ("learner", "mentor")
    readonly_fields = ("calendar_token", "last_activity_at", "created_at")
    date_hierarchy = "start_date"
    inlines = [ScheduleChangeInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # The learner's quiz record, standing and calendar feed follow their enrolment: one is never
        # handed to someone else (enrol the other learner instead).
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else ("learner", *fields)

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        services.enrolment_save_by_staff(enrolment=obj, changed_by=request.user)


@admin.register(WeekProgress)
class WeekProgressAdmin(ServiceWrittenAdmin):
    written_through = gettext_lazy(
        "learners mark their weeks on their week pages (each change refreshes their standing)."
    )
    list_display = ("enrolment", "week", "status", "started_at", "completed_at")
    list_filter = ("status", "week__phase")
    list_select_related = ("enrolment__learner", "week")
    search_fields = ("enrolment__learner__email", "week__topic")
    raw_id_fields = ("enrolment",)
    autocomplete_fields = ("week",)


@admin.register(Standing)
class StandingAdmin(StoredStateAdmin):
    """Each enrolment's stored standing (`standings.standing_refresh` writes it)."""

    list_display = (
        "enrolment",
        "state",
        "current_week",
        "weeks_behind",
        "weeks_ahead",
        "completion_percent",
        "changes_on",
        "refreshed_at",
    )
    list_filter = ("state",)
    list_select_related = ("enrolment__learner",)
    search_fields = ("enrolment__learner__email", "enrolment__learner__username")

    def recompute(self, keys: list[int]) -> None:
        standings.standing_refresh(enrolment_ids=keys)
