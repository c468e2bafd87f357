from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from notifications.models import Email, Notice
from notifications.services import emails_resend

SECRET_HIDDEN = _("(Not shown: this e-mail holds a credential, e.g. a password-reset link.)")


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Read-only but for "Re-send": the rows are written by the outbox services alone, and are what
    proves an e-mail went out."""

    list_display = ("to", "kind", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "recipient__email")
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting millions of rows on every page is slow
    actions = ["resend"]
    fields = (
        "recipient",
        "to",
        "kind",
        "key",
        "subject",
        "holds_secret",
        "body_text",
        "body_html",
        "headers",
        "notice",
        "link",
        "status",
        "attempts",
        "last_error",
        "claimed_at",
        "sent_at",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("Text"))
    def body_text(self, email: Email) -> str:
        return str(SECRET_HIDDEN) if email.holds_secret else email.text

    @admin.display(description=_("HTML"))
    def body_html(self, email: Email) -> str:
        return str(SECRET_HIDDEN) if email.holds_secret else email.html

    @admin.action(description=_("Re-send the selected failed e-mails"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Email]) -> None:
        failed = list(queryset.filter(status=Email.Status.FAILED).values_list("id", flat=True))
        count = emails_resend(email_ids=failed)
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext(
                "%(count)s e-mail queued to be sent again.",
                "%(count)s e-mails queued to be sent again.",
                count,
            )
            % {"count": count},
        )
        if skipped:
            self.message_user(
                request,
                gettext("%(count)s not re-sent: only failed e-mails can be.") % {"count": skipped},
                level=messages.WARNING,
            )

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_email")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Email | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Email | None = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: notices are written by `notify` and read by their recipient."""

    list_display = ("recipient", "kind", "title", "delivery", "created_at", "read_at")
    list_filter = ("kind", "delivery")
    search_fields = ("recipient__email", "key")
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = (
        "recipient",
        "kind",
        "key",
        "title",
        "text",
        "link",
        "delivery",
        "created_at",
        "read_at",
        "digested_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        return False
