"""Cohorts over the API, for staff: the same services and selectors as admin and the cohort page."""

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cohorts import selectors, services
from cohorts.models import Cohort
from cohorts.serializers import (
    CohortCreateSerializer,
    CohortDetailSerializer,
    CohortSerializer,
    MemberSerializer,
    StandingRowSerializer,
)
from progress.models import Enrolment

STAFF = [IsAuthenticated, IsAdminUser]


def cohorts_for(request: Request) -> QuerySet[Cohort]:
    return (
        selectors.cohorts_visible_to(user=request.user)  # type: ignore[arg-type]
        .annotate(learner_count=Count("memberships"))
        .prefetch_related("mentors")
        .order_by("-start_date", "name")
    )


def cohort_of(request: Request, cohort_id: int) -> Cohort:
    return get_object_or_404(cohorts_for(request), pk=cohort_id)


class CohortList(generics.ListAPIView):
    """Every cohort (staff), newest start first; POST creates one."""

    permission_classes = STAFF
    serializer_class = CohortSerializer

    def get_queryset(self) -> QuerySet[Cohort]:
        if getattr(self, "swagger_fake_view", False):
            return Cohort.objects.none()
        return cohorts_for(self.request)

    @extend_schema(request=CohortCreateSerializer, responses={201: CohortSerializer})
    def post(self, request: Request) -> Response:
        incoming = CohortCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        found = [selectors.mentor_for_email(address, field="mentors") for address in data["mentors"]]
        mentors = [mentor for mentor in found if mentor is not None]
        cohort = services.cohort_create(
            name=data["name"],
            start_date=data["start_date"],
            pace=data["pace"],
            timezone_name=data["timezone"],
            mentors=mentors,
        )
        return Response(CohortSerializer(cohort_of(request, cohort.pk)).data, status=status.HTTP_201_CREATED)


class CohortDetail(generics.RetrieveAPIView):
    """A cohort with its figures: who is on track, behind, inactive (from the stored standings)."""

    permission_classes = STAFF
    serializer_class = CohortDetailSerializer

    def get_object(self) -> Cohort:
        return cohort_of(self.request, self.kwargs["cohort_id"])

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["summary"] = selectors.cohort_summary(cohort=self.get_object())
        return context


class CohortMembers(generics.ListAPIView):
    """The cohort's enrolments: learner, mentor, status, start date and pace."""

    permission_classes = STAFF
    serializer_class = MemberSerializer

    def get_queryset(self) -> QuerySet[Enrolment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        return selectors.cohort_enrolments(cohort=cohort_of(self.request, self.kwargs["cohort_id"]))


class CohortStandings(generics.ListAPIView):
    """Each enrolment's stored standing in the cohort: state, weeks behind, completion, inactive."""

    permission_classes = STAFF
    serializer_class = StandingRowSerializer

    def get_queryset(self) -> QuerySet[Enrolment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        return selectors.cohort_enrolments(cohort=cohort_of(self.request, self.kwargs["cohort_id"]))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}
