"""Quiz editing: a quiz with its questions inline; each question (link from the inline) with its choices.

Choice rules are checked where the choices are edited (the question page): a choice question needs
a correct choice, single-choice and true/false exactly one. Publishing a quiz whose questions break
those rules is refused by `Quiz.clean` (admin, fixtures and every other writer alike), so a learner
never meets a question without an answer key.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.forms import QuizForm
from assessments.models import Answer, Choice, Question, Quiz, QuizRecord, Submission, choice_problems
from assessments.records import quiz_record_refresh
from assessments.selectors import most_missed_questions
from lms.stored_admin import StoredStateAdmin


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = choice_problems(
            self.instance.kind, [(d["text"], d.get("is_correct", False)) for d in kept]
        )
        if problems:
            raise ValidationError(problems)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ("order", "text", "is_correct")
    extra = 0


class QuestionInline(admin.StackedInline):
    model = Question
    fields = (
        ("order", "kind", "points"),
        "prompt",
        ("numeric_answer", "numeric_tolerance"),
        "accepted_answers",
        "explanation",
    )
    extra = 0
    show_change_link = True  # choices are edited on the question's page


class QuizAdminForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "week", "title", "instructions", "pass_mark_percent", "max_attempts",
            "time_limit_minutes", "is_published", "review_right_wrong", "review_correct_answers",
            "review_explanations",
        ]  # fmt: skip


QUIZ_ADMIN_JS = ("js/admin_quiz.js",)  # a question shows the fields of its kind; new rows numbered in order


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    form = QuizAdminForm
    list_display = ("title", "week", "is_published", "question_count", "pass_mark_percent", "max_attempts")
    list_filter = ("is_published", "week__phase")
    list_select_related = ("week",)
    search_fields = ("title", "instructions", "week__topic")
    ordering = ("week__number", "id")
    autocomplete_fields = ("week",)
    inlines = [QuestionInline]
    readonly_fields = ("preview_link", "most_missed")

    class Media:
        js = QUIZ_ADMIN_JS

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        preview.model_admin = self  # type: ignore[attr-defined]  # as admin marks its own URLs
        return [
            path("<path:object_id>/preview/", preview, name="assessments_quiz_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The quiz page as a learner sees it (drafts included), with nothing to submit."""
        quiz = self.get_object(request, object_id)
        if quiz is None:
            raise Http404(gettext("No such quiz."))
        if not self.has_view_or_change_permission(request, quiz):
            raise PermissionDenied
        context = {
            "quiz": quiz,
            "form": QuizForm(quiz=quiz),
            "attempts_left": quiz.max_attempts,
            "preview": True,
            "change_url": reverse("admin:assessments_quiz_change", args=[quiz.pk]),
        }
        return render(request, "assessments/quiz_take.html", context)

    @admin.display(description=_("Preview"))
    def preview_link(self, quiz: Quiz) -> str:
        url = reverse("admin:assessments_quiz_preview", args=[quiz.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("See the quiz as a learner sees it"))

    def get_fields(self, request: HttpRequest, obj: Quiz | None = None) -> list[str]:  # type: ignore[override]
        fields = list(QuizAdminForm.Meta.fields)
        return [*fields, "preview_link", "most_missed"] if obj else fields

    @admin.display(description=_("Most missed questions"))
    def most_missed(self, quiz: Quiz) -> str:
        """Where learners go wrong most: the questions to improve first."""
        missed = most_missed_questions(quiz=quiz)
        if not missed:
            return gettext("No wrong answers yet.")
        return format_html_join(
            mark_safe("<br>"),
            "Question {}: {} of {} answers wrong ({}%) — {}",
            ((m.order, m.missed, m.answers, m.missed_percent, Truncator(m.prompt).chars(90)) for m in missed),
        )

    @admin.display(description=_("Questions"), ordering="question_total")
    def question_count(self, quiz: Quiz) -> int:
        return quiz.question_total  # type: ignore[attr-defined]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "quiz", "kind", "points")
    list_filter = ("kind", "quiz__week__phase")
    list_select_related = ("quiz",)
    search_fields = ("prompt", "explanation", "quiz__title")
    ordering = ("quiz__week__number", "quiz", "order")
    autocomplete_fields = ("quiz",)
    inlines = [ChoiceInline]

    class Media:
        js = QUIZ_ADMIN_JS


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("question", "selected_choice_ids", "value", "awarded_points", "is_correct", "needs_review")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: submissions change only through the services (grading, reviews)."""

    list_display = ("learner", "quiz", "attempt_number", "status", "percent", "passed", "submitted_at")
    list_filter = ("status", "passed", "quiz__week__phase")
    list_select_related = ("learner", "quiz")
    search_fields = ("learner__username", "learner__email", "quiz__title")
    date_hierarchy = "submitted_at"
    readonly_fields = (
        "learner", "quiz", "attempt_number", "status", "submitted_at", "graded_at",
        "score", "max_score", "percent", "passed",
    )  # fmt: skip
    inlines = [AnswerInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QuizRecord)
class QuizRecordAdmin(StoredStateAdmin):
    """Each learner's stored quiz record (`records.quiz_record_refresh` writes it)."""

    list_display = (
        "learner",
        "quizzes_taken",
        "average_best_percent",
        "failed_count",
        "reviews_waiting",
        "last_quiz_title",
        "last_status",
        "refreshed_at",
    )
    list_filter = ("last_status",)
    list_select_related = ("learner",)
    search_fields = ("learner__email", "learner__username")

    def recompute(self, keys: list[int]) -> None:
        quiz_record_refresh(learner_ids=keys)
