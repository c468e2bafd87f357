"""Exercises in admin, with the "Check this exercise" action: it runs the reference solution and the
starter against the hidden tests in the sandbox (through the sandbox queue) and shows the results on
the exercise's check page. Runs are listed read-only (only the sandbox worker writes them)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from exercises import services
from exercises.execution import limits_of
from exercises.models import Exercise, Run
from exercises.sandbox import limit_message
from exercises.selectors import run_tests_for

CHECK_KINDS = (Run.Kind.CHECK_REFERENCE, Run.Kind.CHECK_STARTER)


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("title", "week", "order", "is_published", "time_limit_seconds", "max_attempts")
    list_filter = ("is_published", "week__phase")
    search_fields = ("title", "prompt")
    list_select_related = ("week",)
    actions = ["check_exercises"]
    readonly_fields = ("check_link",)
    fieldsets = (
        (None, {"fields": ("week", "order", "title", "prompt", "is_published", "check_link")}),
        (_("Code"), {"fields": ("starter_code", "example_tests", "hidden_tests", "reference_solution")}),
        (_("Rules"), {"fields": (
            ("time_limit_seconds", "memory_limit_mb"), "packages", ("pass_mark_percent", "max_attempts"),
            "review_failure_messages",
        )}),
    )  # fmt: skip

    @admin.action(
        description=_("Check this exercise: run the reference solution and the starter in the sandbox")
    )
    def check_exercises(self, request: HttpRequest, queryset: QuerySet[Exercise]) -> HttpResponse | None:
        exercises = list(queryset)
        for exercise in exercises:
            services.exercise_check(exercise=exercise, staff=request.user)  # type: ignore[arg-type]
        if len(exercises) == 1:
            return HttpResponseRedirect(reverse("admin:exercises_exercise_check", args=[exercises[0].pk]))
        self.message_user(
            request,
            ngettext(
                "Checking %(count)s exercise: open its check page for its results.",
                "Checking %(count)s exercises: open each one's check page for its results.",
                len(exercises),
            )
            % {"count": len(exercises)},
        )
        return None

    def get_urls(self) -> list[URLPattern]:
        check = self.admin_site.admin_view(self.check_view)
        check.model_admin = self  # type: ignore[attr-defined]
        return [path("<path:object_id>/check/", check, name="exercises_exercise_check"), *super().get_urls()]

    def check_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The latest check of the exercise: the reference should pass every hidden test, the starter
        fail at least one. POST starts a new check."""
        exercise = self.get_object(request, object_id)
        if exercise is None:
            raise Http404(gettext("No such exercise."))
        if not self.has_view_or_change_permission(request, exercise):
            raise PermissionDenied
        if request.method == "POST":
            services.exercise_check(exercise=exercise, staff=request.user)  # type: ignore[arg-type]
            messages.info(request, gettext("Check started."))
            return HttpResponseRedirect(request.path)
        checks = []
        runs: list[Run | None] = []
        for kind in CHECK_KINDS:
            run = (
                Run.objects.filter(exercise=exercise, kind=kind)
                .select_related("exercise")
                .order_by("-id")
                .first()
            )
            runs.append(run)
            expected_pass = kind == Run.Kind.CHECK_REFERENCE
            verdict = ""
            if run and run.status == Run.Status.DONE:
                passed, total = run.tests_passed or 0, run.tests_total or 0
                ok = passed == total if expected_pass else passed < total
                verdict = gettext("as expected") if ok else gettext("NOT as expected")
            checks.append({
                "label": Run.Kind(kind).label, "run": run, "verdict": verdict,
                "expected": (
                    gettext("passes every hidden test") if expected_pass
                    else gettext("fails at least one hidden test")
                ),
                "tests": run_tests_for(viewer=request.user, run=run) if run else [],  # type: ignore[arg-type]
                "limit_message": limit_message(run.limit, limits_of(exercise)) if run and run.limit else "",
            })  # fmt: skip
        pending = any(run and not run.is_finished for run in runs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "exercise": exercise,
            "checks": checks,
            "pending": pending,
            "title": gettext("Check: %(exercise)s") % {"exercise": exercise},
        }
        return render(request, "admin/exercises/check.html", context)

    @admin.display(description=_("Check"))
    def check_link(self, exercise: Exercise) -> str:
        if exercise.pk is None:
            return gettext("Save first.")
        url = reverse("admin:exercises_exercise_check", args=[exercise.pk])
        return format_html(
            '<a href="{}">{}</a>', url, gettext("Run the reference solution and the starter in the sandbox")
        )


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = (
        "exercise",
        "learner",
        "kind",
        "attempt_number",
        "status",
        "tests_passed",
        "tests_total",
        "passed",
        "created_at",
    )
    list_filter = ("kind", "status", "passed")
    search_fields = ("learner__email", "exercise__title")
    list_select_related = ("exercise", "learner")
    readonly_fields = [field.name for field in Run._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Run | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Run | None = None) -> bool:
        return False
