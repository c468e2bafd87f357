from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from curriculum.models import Phase, Resource, Week


class WeekInline(admin.TabularInline):
    model = Week
    fields = ("number", "topic", "focus_area", "estimated_hours")
    extra = 0
    show_change_link = True
    ordering = ("number",)


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "week_count")
    search_fields = ("title", "description")
    ordering = ("number",)
    inlines = [WeekInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Phase]:
        return super().get_queryset(request).annotate(week_total=Count("weeks"))

    @admin.display(description=_("Weeks"), ordering="week_total")
    def week_count(self, phase: Phase) -> int:
        return phase.week_total  # type: ignore[attr-defined]


class ResourceInline(admin.TabularInline):
    model = Resource
    fields = ("order", "title", "url", "kind")
    extra = 1


@admin.register(Week)
class WeekAdmin(admin.ModelAdmin):
    list_display = ("number", "topic", "focus_area", "phase", "estimated_hours")
    list_display_links = ("number", "topic")
    list_filter = ("phase",)
    list_select_related = ("phase",)
    search_fields = ("topic", "focus_area", "summary", "learning_objectives")
    ordering = ("number",)
    inlines = [ResourceInline]
    fieldsets = (
        (None, {"fields": ("number", "phase", "topic", "focus_area")}),
        (_("Content"), {"fields": ("summary", "learning_objectives", "estimated_hours")}),
    )


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "week", "url")
    list_filter = ("kind", "week__phase")
    list_select_related = ("week",)
    search_fields = ("title", "url", "week__topic")
    ordering = ("week__number", "order")
    autocomplete_fields = ("week",)
