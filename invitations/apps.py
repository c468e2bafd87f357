from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "invitations"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from invitations.models import Invitation

        # Audit trail: who sent, resent or revoked an invitation, and when it was accepted.
        auditlog.register(Invitation, include_fields=["status", "sent_count", "expires_at"])

        from django.contrib.auth.signals import user_logged_in

        from invitations.receivers import accept_on_login

        user_logged_in.connect(accept_on_login, dispatch_uid="invitations-accept-on-login")
