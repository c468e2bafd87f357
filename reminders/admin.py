from django.contrib import admin
from django.http import HttpRequest

from reminders.models import ReminderLog


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the reminder tasks alone, and is what proves a reminder went out."""

    list_display = ("learner_email", "week", "kind", "status", "attempts", "sent_at", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("enrolment__learner",)
    search_fields = ("enrolment__learner__email",)
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting millions of rows on every page is slow
    fields = (
        "enrolment",
        "week",
        "kind",
        "status",
        "attempts",
        "last_error",
        "claimed_at",
        "sent_at",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description="Learner", ordering="enrolment__learner__email")
    def learner_email(self, log: ReminderLog) -> str:
        return log.enrolment.learner.email

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReminderLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReminderLog | None = None) -> bool:
        return False
