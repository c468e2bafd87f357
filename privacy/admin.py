"""Read-only admin lists of data exports and deletion requests: operators see what is being prepared and
which accounts are scheduled for erasure, and when. Only their services change them (the user's pages
and API, the tasks); no link secret or file name is shown."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from privacy.models import DataExport, DeletionRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ("id", "user_id", "status", "progress", "created_at", "expires_at", "downloaded_at")
    list_filter = ("status",)
    fields = ("user_id", "status", "progress", "stage", "size", "attempts", "error", "created_at",
              "started_at", "ready_at", "expires_at", "downloaded_at", "file_deleted_at")  # fmt: skip


@admin.register(DeletionRequest)
class DeletionRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "user_id", "status", "requested_at", "erase_after", "cancelled_by", "erased_at")
    list_filter = ("status", "cancelled_by")
    fields = ("user_id", "status", "requested_at", "erase_after", "cancelled_at", "cancelled_by", "erased_at")
