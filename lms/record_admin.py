"""Django admin for records that only their app's services may write (a mentor's feedback and phase
decisions, a learner's week progress): staff read them in admin, and act through the product's own
pages, where the services' checks, notices and certificates apply. An edit in admin would skip them —
a sign-off without its certificate, feedback without its notice — so admin offers none."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext
from django_stubs_ext import StrOrPromise


class ServiceWrittenAdmin(admin.ModelAdmin):
    """Read-only: no add, change or delete (`written_through` names where staff act instead)."""

    written_through: StrOrPromise = ""
    """Where staff make this change, shown above the list (e.g. "the learner's page under Mentoring")."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra_context = {
            **(extra_context or {}),
            "subtitle": gettext("Read-only: %(where)s") % {"where": self.written_through},
        }
        return super().changelist_view(request, extra_context)
