"""Admin: projects with their criteria inline, criteria with their levels inline, a learner-view
preview; versions and reviews read-only (they are the learner's and the mentor's record)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models import Attachment, Criterion, Level, Project, Review, Score, Version
from projects.rubric import range_problems, rubric_problems


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    show_change_link = True  # the levels are edited on the criterion's page
    fields = ("order", "title", "description", "objectives")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "week", "kind", "pass_mark", "signs_off_phase", "is_published")
    list_filter = ("is_published", "kind", "signs_off_phase")
    search_fields = ("title", "brief")
    ordering = ("week__number",)
    inlines = [CriterionInline]
    readonly_fields = ("preview_link", "rubric_state")

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        preview.model_admin = self  # type: ignore[attr-defined]  # as admin marks its own URLs
        return [
            path("<path:object_id>/preview/", preview, name="projects_project_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The project page as a learner sees it (unpublished ones too), with nothing to submit."""
        project = self.get_object(request, object_id)
        if project is None:
            raise Http404(gettext("No such project."))
        if not self.has_view_or_change_permission(request, project):
            raise PermissionDenied
        context = {
            "project": project,
            "preview": True,
            "change_url": reverse("admin:projects_project_change", args=[project.pk]),
        }
        return render(request, "projects/project.html", context)

    @admin.display(description=_("Preview"))
    def preview_link(self, project: Project) -> str:
        url = reverse("admin:projects_project_preview", args=[project.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("See the project as a learner sees it"))

    @admin.display(description=_("Rubric"))
    def rubric_state(self, project: Project) -> str:
        problems = rubric_problems(project=project)
        return " ".join(problems) if problems else gettext("Complete.")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """A project is published with a complete rubric only: checked once its criteria are saved."""
        super().save_related(request, form, formsets, change)
        project = form.instance
        problems = rubric_problems(project=project) if project.is_published else []
        if problems:
            Project.objects.filter(pk=project.pk).update(is_published=False)
            messages.error(
                request, gettext("Saved, but not published: %(problems)s") % {"problems": " ".join(problems)}
            )


class LevelFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """Ranges are compared with each other as submitted (the rows may change together)."""
        super().clean()
        ranges = [
            Level(label=form.cleaned_data["label"], min_points=form.cleaned_data["min_points"],
                  max_points=form.cleaned_data["max_points"]).range
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
            and {"label", "min_points", "max_points"} <= set(form.cleaned_data)
        ]  # fmt: skip
        problems = range_problems(ranges)
        if problems:
            raise ValidationError(problems)


class LevelInline(admin.TabularInline):
    model = Level
    formset = LevelFormSet
    extra = 0
    fields = ("label", "min_points", "max_points", "description")


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "order")
    list_filter = ("project",)
    inlines = [LevelInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # every version and review is kept


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("name", "size", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Version)
class VersionAdmin(ReadOnly):
    list_display = ("project", "number", "enrolment", "status", "submitted_at")
    list_filter = ("status", "project")
    search_fields = ("enrolment__learner__email",)
    inlines = [AttachmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Version]:
        return super().get_queryset(request).select_related("project__week", "enrolment__learner")


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ("criterion", "level", "points", "comment")
    readonly_fields = fields
    can_delete = False


@admin.register(Review)
class ReviewAdmin(ReadOnly):
    list_display = ("version", "decision", "total_points", "passed", "reviewer", "created_at")
    list_filter = ("decision",)
    inlines = [ScoreInline]
