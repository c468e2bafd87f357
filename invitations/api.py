"""Invitations over the API, for staff: onboard a person (as one row of the admin's CSV import),
list, resend and revoke — the same services as admin."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cohorts.selectors import cohorts_visible_to, mentor_for_email
from invitations import services
from invitations.models import Invitation
from invitations.serializers import InvitationCreateSerializer, InvitationSerializer

STAFF = [IsAuthenticated, IsAdminUser]


def invitations_for(request: Request) -> QuerySet[Invitation]:
    cohorts = cohorts_visible_to(user=request.user)  # type: ignore[arg-type]
    return Invitation.objects.filter(cohort__in=cohorts).select_related("user", "cohort")


@extend_schema(
    parameters=[
        OpenApiParameter("cohort", OpenApiTypes.INT, description="Only this cohort's invitations"),
        OpenApiParameter("status", OpenApiTypes.STR, enum=list(Invitation.Status.values)),
    ]
)
class InvitationList(generics.ListAPIView):
    """Invitations (staff), newest first; POST onboards a person: account, cohort enrolment, invitation."""

    permission_classes = STAFF
    serializer_class = InvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        rows = invitations_for(self.request)
        cohort = self.request.query_params.get("cohort", "")
        if cohort:
            rows = (
                rows.filter(cohort_id=int(cohort)) if cohort.isdigit() and len(cohort) < 19 else rows.none()
            )
        wanted = self.request.query_params.get("status", "")
        if wanted:
            rows = rows.filter(status=wanted) if wanted in Invitation.Status.values else rows.none()
        return rows

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={
            201: OpenApiResponse(InvitationSerializer, description="Invited (and enrolled) now."),
            200: OpenApiResponse(InvitationSerializer, description="Invited before: nothing was sent."),
        },
    )
    def post(self, request: Request) -> Response:
        incoming = InvitationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        cohort = cohorts_visible_to(user=request.user).filter(pk=data["cohort"]).first()  # type: ignore[arg-type]
        if cohort is None:
            return Response({"cohort": [gettext("No such cohort.")]}, status=status.HTTP_400_BAD_REQUEST)
        done = services.learner_onboard(
            name=data["name"],
            email=data["email"],
            cohort=cohort,
            mentor=mentor_for_email(data["mentor"]),
            invited_by=request.user,  # type: ignore[arg-type]
        )
        answer = InvitationSerializer(done.invitation).data
        return Response(
            answer, status=status.HTTP_201_CREATED if done.invitation_sent else status.HTTP_200_OK
        )


class InvitationAction(APIView):
    permission_classes = STAFF
    transition = staticmethod(services.invitation_resend)

    @extend_schema(request=None, responses={200: InvitationSerializer})
    def post(self, request: Request, invitation_id: int) -> Response:
        invitation = get_object_or_404(invitations_for(request), pk=invitation_id)
        done = self.transition(invitation_id=invitation.pk, by=request.user)  # type: ignore[arg-type]
        return Response(InvitationSerializer(done).data)


class InvitationResend(InvitationAction):
    """Send the invitation again with a new link (the previous link stops working); a revoked one is
    reinstated; an accepted one is refused (400)."""

    transition = staticmethod(services.invitation_resend)


class InvitationRevoke(InvitationAction):
    """Stop the invitation's link from working; an accepted or revoked one is refused (400)."""

    transition = staticmethod(services.invitation_revoke)
