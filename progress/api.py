"""The learner's own enrolment, schedule and week progress over the API; same services as the pages."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curriculum.models import Week
from lms.api import ErrorSerializer
from progress import services
from progress.models import Enrolment, WeekProgress
from progress.scope import enrolment_latest_for
from progress.selectors import learner_overview
from progress.serializers import (
    EnrolmentCreateSerializer,
    EnrolmentSerializer,
    PaceChangeSerializer,
    ScheduleSerializer,
    WeekProgressSerializer,
)

NOT_ENROLLED = OpenApiResponse(ErrorSerializer, description="You are not enrolled.")


def own_enrolment(request: Request) -> Enrolment:
    enrolment = enrolment_latest_for(learner=request.user, with_mentor=True)  # type: ignore[arg-type]
    if enrolment is None:
        raise Http404(gettext("You are not enrolled."))
    return enrolment


class MyEnrolmentView(APIView):
    @extend_schema(responses={200: EnrolmentSerializer, 404: NOT_ENROLLED}, summary="My enrolment")
    def get(self, request: Request) -> Response:
        return Response(EnrolmentSerializer(own_enrolment(request), context={"request": request}).data)

    @extend_schema(request=EnrolmentCreateSerializer, responses={201: EnrolmentSerializer}, summary="Enrol")
    def post(self, request: Request) -> Response:
        serializer = EnrolmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrolment_create(
            learner=request.user,  # type: ignore[arg-type]
            start_date=serializer.validated_data["start_date"],
            pace=serializer.validated_data["pace"],
            timezone_name=serializer.validated_data["timezone"],
        )
        data = EnrolmentSerializer(enrolment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ReplanView(APIView):
    @extend_schema(
        request=None,
        responses={200: ScheduleSerializer, 404: NOT_ENROLLED},
        summary="Re-plan",
        description="The first unfinished week starts this week and the rest follows; weeks already "
        "completed take no slot. Behind, the plan moves later; ahead, it moves earlier. 400 when there "
        "is nothing to re-plan. The site shows a preview first and can undo the last re-plan.",
    )
    def post(self, request: Request) -> Response:
        enrolment = own_enrolment(request)
        services.schedule_replan(enrolment=enrolment, changed_by=request.user)  # type: ignore[arg-type]
        return Response(schedule_data(enrolment))


class PaceChangeView(APIView):
    @extend_schema(
        request=PaceChangeSerializer,
        responses={
            200: ScheduleSerializer,
            404: NOT_ENROLLED,
        },
        summary="Change my pace",
        description="From next week on the weeks follow the new pace; this week and earlier weeks keep "
        "their dates (what is overdue stays overdue: re-plan to move it). Recorded as a schedule change. "
        "400 for a pace out of range, the pace already in force, the last week, or an enrolment that is "
        "not active.",
    )
    def post(self, request: Request) -> Response:
        serializer = PaceChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = own_enrolment(request)
        services.enrolment_pace_change(
            enrolment=enrolment,
            pace=serializer.validated_data["pace"],
            changed_by=request.user,  # type: ignore[arg-type]
        )
        return Response(schedule_data(enrolment))


class LeaveView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: EnrolmentSerializer,
            404: NOT_ENROLLED,
        },
        summary="Leave the curriculum",
        description="The enrolment ends (status `left`); progress, notes and results are kept. The "
        "mentor is told; reminders stop. Enrol again with POST /api/v1/me/enrolment/. 400 when the "
        "enrolment has already ended.",
    )
    def post(self, request: Request) -> Response:
        enrolment = services.enrolment_leave(enrolment=own_enrolment(request))
        return Response(EnrolmentSerializer(enrolment, context={"request": request}).data)


def schedule_data(enrolment: Enrolment) -> dict:
    overview = learner_overview(enrolment=enrolment)
    schedule = overview.schedule
    weeks = [
        {
            "number": row.week.number,
            "topic": row.week.topic,
            "focus_area": row.week.focus_area,
            "starts_on": row.planned.starts_on,
            "ends_on": row.planned.ends_on,
            "status": row.planned.status,
            "is_current": row.planned.is_current,
            "is_overdue": row.planned.is_overdue,
        }
        for row in overview.rows
    ]
    # Plain values already: returned as they are (DRF's JSON encoder writes dates as ScheduleSerializer
    # would, ISO 8601), not through the serializer's per-field calls for 52 weeks. The serializer stays
    # the documented schema.
    return {
        "today": schedule.today,
        "state": schedule.state,
        "summary": schedule.label,
        "current_week": schedule.current_week,
        "weeks_behind": schedule.weeks_behind,
        "pace": f"{schedule.pace:.2f}",  # as DRF writes decimals (COERCE_DECIMAL_TO_STRING)
        "weeks": weeks,
    }


class MyScheduleView(APIView):
    @extend_schema(responses={200: ScheduleSerializer, 404: NOT_ENROLLED}, summary="My dated schedule")
    def get(self, request: Request) -> Response:
        return Response(schedule_data(own_enrolment(request)))


class MyProgressList(generics.ListAPIView):
    """My week progress rows (weeks never touched have none: they are not started)."""

    serializer_class = WeekProgressSerializer
    queryset = WeekProgress.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (
            WeekProgress.objects.filter(enrolment=own_enrolment(self.request))
            .select_related("week")
            .order_by("week__number")
        )


class MyWeekProgressView(APIView):
    def _week(self, number: int) -> Week:
        try:
            return Week.objects.get(number=number)
        except Week.DoesNotExist as error:
            raise Http404(gettext("There is no such week.")) from error

    @extend_schema(responses=WeekProgressSerializer, summary="My progress on a week")
    def get(self, request: Request, number: int) -> Response:
        enrolment, week = own_enrolment(request), self._week(number)
        progress = WeekProgress.objects.filter(enrolment=enrolment, week=week).select_related("week").first()
        return Response(WeekProgressSerializer(progress or WeekProgress(week=week)).data)

    @extend_schema(request=WeekProgressSerializer, responses=WeekProgressSerializer, summary="Update a week")
    def patch(self, request: Request, number: int) -> Response:
        enrolment, week = own_enrolment(request), self._week(number)
        serializer = WeekProgressSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        current = WeekProgress.objects.filter(enrolment=enrolment, week=week).first()
        progress = services.week_progress_set(
            enrolment=enrolment,
            week=week,
            status=serializer.validated_data.get("status", current.status if current else "not_started"),
            notes=serializer.validated_data.get("notes"),
        )
        return Response(WeekProgressSerializer(progress).data)
