"""Invitations in Django admin: the list (read-only), resend and revoke actions, and the CSV import
that onboards a cohort (`imports.OnboardingResource`: a dry-run preview with each invalid row's errors,
then the import of the valid rows once confirmed)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV
from import_export.forms import ImportForm

from invitations import services
from invitations.imports import COLUMNS, OnboardingResource, file_problems
from invitations.models import Invitation


def _resent(count: int) -> str:
    return ngettext("Resent %(count)s invitation.", "Resent %(count)s invitations.", count) % {"count": count}


def _revoked(count: int) -> str:
    return ngettext("Revoked %(count)s invitation.", "Revoked %(count)s invitations.", count) % {
        "count": count
    }


class OnboardingImportForm(ImportForm):
    """The admin's upload form, refusing an unreadable file (size, encoding, columns, row count) with
    a message before anything is previewed."""

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        data = upload.read(upload.size + 1 if upload.size is not None else None)
        upload.seek(0)
        problems = file_problems(data)
        if problems:
            raise forms.ValidationError(problems)
        return upload


@admin.register(Invitation)
class InvitationAdmin(ImportMixin, admin.ModelAdmin):
    list_display = ("email", "user", "cohort", "state", "sent_count", "sent_at", "expires_at", "accepted_at")
    list_filter = ("status", "cohort")
    list_select_related = ("user", "cohort")
    search_fields = ("email", "user__name", "cohort__name")
    readonly_fields = (
        "user", "cohort", "email", "status", "sent_count", "sent_at", "expires_at", "accepted_at",
        "revoked_at", "invited_by", "created_at",
    )  # fmt: skip
    fields = readonly_fields
    actions = ("resend", "revoke")
    resource_classes = [OnboardingResource]
    formats = [CSV]
    from_encoding = "utf-8-sig"
    import_form_class = OnboardingImportForm
    import_template_name = "admin/invitations/invitation/import.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations come from the CSV import or the API

    def has_delete_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False  # revoke instead: the record of who was invited stays

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("invitations.add_invitation")

    @admin.display(description=_("state"))
    def state(self, invitation: Invitation) -> str:
        return invitation.state_label

    def get_import_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_import_context_data(**kwargs), "onboarding_columns": COLUMNS}

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The library offers to confirm only a file without a single invalid row; here the valid rows
        can be imported while the invalid ones are listed with their errors (and skipped)."""
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            context = response.context_data
            result = context.get("result")
            form = context.get("form")
            if (
                result is not None
                and form is not None
                and "confirm_form" not in context
                and not result.has_errors()
                and result.has_validation_errors()
                and len(result.valid_rows())
            ):
                context["confirm_form"] = self.create_confirm_form(request, import_form=form)
        return response

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Invitation], action: Any, done: Callable[[int], str]
    ) -> None:
        """`done`: the success message for a count of invitations."""
        count = 0
        for invitation in queryset.select_related(None).only("pk", "email"):
            try:
                action(invitation_id=invitation.pk, by=request.user)
            except ValidationError as error:
                problem = gettext("%(address)s: %(error)s") % {
                    "address": invitation.email,
                    "error": " ".join(error.messages),
                }
                self.message_user(request, problem, messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(description=_("Resend the selected invitations (a new link each)"), permissions=["invite"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._each(request, queryset, services.invitation_resend, _resent)

    @admin.action(description=_("Revoke the selected invitations"), permissions=["invite"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._each(request, queryset, services.invitation_revoke, _revoked)

    def has_invite_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("invitations.add_invitation")
