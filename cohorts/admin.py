"""Cohorts in Django admin: name, start date, default pace, time zone and mentors; the enrolments in
a cohort are listed read-only (they join through the CSV import or the API: invitations)."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("enrolment", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "start_date", "pace", "timezone", "learners")
    search_fields = ("name",)
    filter_horizontal = ("mentors",)
    date_hierarchy = "start_date"
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cohort]:
        return super().get_queryset(request).annotate(learner_count=Count("memberships"))

    @admin.display(description=_("learners"), ordering="learner_count")
    def learners(self, cohort: Cohort) -> int:
        return cohort.learner_count  # type: ignore[attr-defined]
