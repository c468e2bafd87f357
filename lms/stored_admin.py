"""Django admin for state stored from other rows (a learner's standing, quiz record, their mentor's
flags). Staff read it, to see why a learner shows as behind or flagged, and recompute it from its
sources; nobody edits it, because only its app's service writes it (what an edit stored would be
overwritten by the next refresh, and until then would disagree with the sources)."""

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext


class StoredStateAdmin(admin.ModelAdmin):
    """Read-only, with one action: recompute the selected rows (`recompute`, the app's service)."""

    actions = ["recompute_selected"]

    def recompute(self, keys: list[int]) -> None:
        raise NotImplementedError  # each admin calls its app's refresh service

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_recompute_permission(self, request: HttpRequest) -> bool:
        # Recomputing cannot make a row wrong, so whoever may read the rows may refresh them.
        return self.has_view_permission(request)

    @admin.action(
        description=gettext_lazy("Recompute the selected rows from their sources"), permissions=["recompute"]
    )
    def recompute_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        keys = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            self.recompute(keys)
        done = ngettext("Recomputed %(count)s row.", "Recomputed %(count)s rows.", len(keys)) % {
            "count": len(keys)
        }
        self.message_user(request, done, messages.SUCCESS)
