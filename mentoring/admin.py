from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.preferences import weekly_streams_schedule
from lms.record_admin import ServiceWrittenAdmin
from lms.stored_admin import StoredStateAdmin
from mentoring.models import MenteeFlags, PhaseReview, WeekFeedback
from mentoring.services import mentee_flags_refresh, mentees_assign
from progress.models import Enrolment
from progress.scope import CURRENT_STATUSES


class WrappedFilteredSelectMultiple(FilteredSelectMultiple):
    """The two-box selector in a wrapper of its own, as admin gives its model fields: SelectFilter2.js
    prepends the selector to the select's parent, which would put it before the field's label."""

    def render(self, *args: Any, **kwargs: Any) -> SafeString:
        return format_html('<div class="related-widget-wrapper">{}</div>', super().render(*args, **kwargs))


class MentorUserForm(UserChangeForm):
    """The user form plus, for mentors, the learners assigned to them: bulk assignment in one place."""

    mentees = forms.ModelMultipleChoiceField(
        queryset=Enrolment.objects.filter(status__in=CURRENT_STATUSES).select_related("learner"),
        required=False,
        widget=WrappedFilteredSelectMultiple("learners", is_stacked=False),
        help_text=_(
            "Learners this mentor follows (mentors only). Moving a learner here takes them from their "
            "previous mentor."
        ),
    )

    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.pk:
            self.fields["mentees"].initial = list(
                Enrolment.objects.filter(mentor=self.instance, status__in=CURRENT_STATUSES).values_list(
                    "pk", flat=True
                )
            )

    def clean_mentees(self):  # type: ignore[no-untyped-def]
        mentees = self.cleaned_data["mentees"]
        groups = self.cleaned_data.get("groups")
        is_mentor = groups is not None and any(group.name == User.MENTOR_GROUP for group in groups)
        if mentees and not is_mentor:
            raise forms.ValidationError(
                gettext("Only members of the %(group)s group can have mentees.")
                % {"group": User.MENTOR_GROUP}
            )
        return mentees


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MentorUserForm
    list_display = ("username", "email", "name", "first_name", "last_name", "is_staff")
    search_fields = ("username", "email", "name", "first_name", "last_name")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "first_name", "last_name", "email")}),
        *BaseUserAdmin.fieldsets[2:],  # type: ignore[index]
        (_("Mentoring"), {"fields": ("mentees",)}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: MentorUserForm, change: bool) -> None:  # type: ignore[override]
        if not change:  # a new account's weekly e-mails at its first slot, as sign-up sets them
            weekly_streams_schedule(user=obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: MentorUserForm, formsets, change: bool) -> None:  # type: ignore[no-untyped-def, override]
        super().save_related(request, form, formsets, change)
        if "mentees" not in form.cleaned_data:
            return
        chosen = {enrolment.pk for enrolment in form.cleaned_data["mentees"]}
        before = set(form.fields["mentees"].initial or [])
        mentees_assign(mentor=None, enrolment_ids=before - chosen)
        if chosen:
            mentees_assign(mentor=form.instance, enrolment_ids=chosen)


@admin.register(WeekFeedback)
class WeekFeedbackAdmin(ServiceWrittenAdmin):
    written_through = "mentors and staff leave feedback on the learner's page under Mentoring."
    list_display = ("enrolment", "week", "author", "from_learner", "created_at")
    list_select_related = ("enrolment__learner", "week", "author")
    search_fields = ("enrolment__learner__email", "body")
    list_filter = ("week__phase",)
    raw_id_fields = ("enrolment", "author")
    autocomplete_fields = ("week",)


@admin.register(PhaseReview)
class PhaseReviewAdmin(ServiceWrittenAdmin):
    written_through = (
        "mentors and staff sign off or return a phase on the learner's page under Mentoring "
        "(which issues the certificate and tells the learner)."
    )
    list_display = ("enrolment", "phase", "decision", "reviewer", "created_at")
    list_select_related = ("enrolment__learner", "phase", "reviewer")
    list_filter = ("decision", "phase")
    search_fields = ("enrolment__learner__email",)
    raw_id_fields = ("enrolment", "reviewer")


@admin.register(MenteeFlags)
class MenteeFlagsAdmin(StoredStateAdmin):
    """Each enrolment's stored flags for its mentor (`services.mentee_flags_refresh` writes them)."""

    list_display = ("enrolment", "failed_quiz", "pending_review", "project_waiting", "count", "refreshed_at")
    list_filter = ("failed_quiz", "pending_review", "project_waiting")
    list_select_related = ("enrolment__learner",)
    search_fields = ("enrolment__learner__email", "enrolment__learner__username")

    def recompute(self, keys: list[int]) -> None:
        mentee_flags_refresh(enrolment_ids=keys)
