from django.contrib import admin
from django.http import HttpRequest

from credentials.models import Certificate, Portfolio


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued by sign-offs and revoked (with a reason) on their own page,
    which "View on site" opens. Deleting one would make its verification page deny it ever existed."""

    list_display = ("title", "recipient_name", "kind", "issued_at", "signed_by_name", "revoked_at")
    list_filter = ("kind", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("recipient_name", "public_id", "enrolment__learner__email")
    date_hierarchy = "issued_at"
    readonly_fields = [field.name for field in Certificate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False

    def view_on_site(self, obj: Certificate) -> str:  # type: ignore[override]
        from django.urls import reverse

        return reverse("credentials:certificate", args=[obj.public_id])


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    """Read-only: what a learner publishes is theirs to choose."""

    list_display = ("learner", "slug", "is_public", "updated_at")
    list_filter = ("is_public",)
    search_fields = ("slug", "learner__email")
    readonly_fields = ("learner", "slug", "is_public", "headline", "show_phases", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Portfolio | None = None) -> bool:
        return False
