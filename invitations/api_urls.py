from django.urls import path

from invitations import api

urlpatterns = [
    path("invitations/", api.InvitationList.as_view(), name="api-invitation-list"),
    path(
        "invitations/<int:invitation_id>/resend/",
        api.InvitationResend.as_view(),
        name="api-invitation-resend",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        api.InvitationRevoke.as_view(),
        name="api-invitation-revoke",
    ),
]
