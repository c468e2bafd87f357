"""Mentor actions over the API: the same selectors (scoping) and services as the pages."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Submission
from assessments.selectors import submissions_visible_to
from assessments.serializers import SubmissionSerializer
from curriculum.models import Phase, Week
from lms.api import IDEMPOTENCY_KEY
from lms.idempotency import request_key_of
from mentoring import services
from mentoring.flags import FLAGS
from mentoring.rows import ROW_VALUES, mentee_row
from mentoring.serializers import MenteeRowSerializer, PhaseReviewSerializer, WeekFeedbackSerializer
from mentoring.table import SORT_KEYS, mentee_table
from progress.api import schedule_data
from progress.api_permissions import MENTOR, mentee
from progress.models import Enrolment, WeekProgress
from progress.serializers import ScheduleSerializer, WeekProgressSerializer


@extend_schema(
    parameters=[
        OpenApiParameter(
            "flag", OpenApiTypes.STR, enum=list(FLAGS), description="Only learners with this flag"
        ),
        OpenApiParameter(
            "sort",
            OpenApiTypes.STR,
            enum=[*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS)],
            description="Order",
        ),
    ]
)
class MenteeList(generics.ListAPIView):
    """My learners (staff: every learner) with their schedule, quiz results and at-risk flags."""

    permission_classes = MENTOR
    serializer_class = MenteeRowSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no rows
            return Enrolment.objects.none()
        return mentee_table(
            user=self.request.user,  # type: ignore[arg-type]
            flag=self.request.query_params.get("flag"),
            sort=self.request.query_params.get("sort") or "-flags",
        )

    def paginate_queryset(self, queryset):  # type: ignore[no-untyped-def]
        """The page is cut in SQL; only its rows become table rows (flags and reasons)."""
        page = super().paginate_queryset(queryset.values_list(*ROW_VALUES))
        now = timezone.now()
        return None if page is None else [mentee_row(values, now=now) for values in page]


class MenteeSchedule(APIView):
    permission_classes = MENTOR

    @extend_schema(responses=ScheduleSerializer, summary="A learner's dated schedule and statuses")
    def get(self, request: Request, enrolment_id: int) -> Response:
        return Response(schedule_data(mentee(request, enrolment_id)))


class MenteeProgressList(generics.ListAPIView):
    """A learner's week progress rows with their notes (weeks never touched have none: not started)."""

    permission_classes = MENTOR
    serializer_class = WeekProgressSerializer

    def get_queryset(self) -> QuerySet[WeekProgress]:
        if getattr(self, "swagger_fake_view", False):
            return WeekProgress.objects.none()
        enrolment = mentee(self.request, self.kwargs["enrolment_id"])
        return (
            WeekProgress.objects.filter(enrolment=enrolment).select_related("week").order_by("week__number")
        )


class MenteeSubmissionList(generics.ListAPIView):
    """A learner's quiz submissions, newest first; each one's answers at /api/v1/submissions/{id}/."""

    permission_classes = MENTOR
    serializer_class = SubmissionSerializer

    def get_queryset(self) -> QuerySet[Submission]:
        if getattr(self, "swagger_fake_view", False):
            return Submission.objects.none()
        enrolment = mentee(self.request, self.kwargs["enrolment_id"])
        return (
            submissions_visible_to(user=self.request.user)  # type: ignore[arg-type]
            .filter(enrolment=enrolment)
            .order_by("-submitted_at", "-id")
        )


class MenteeFeedback(APIView):
    permission_classes = MENTOR

    @extend_schema(
        request=WeekFeedbackSerializer,
        responses={201: WeekFeedbackSerializer},
        summary="Leave feedback",
        description="With an Idempotency-Key header, a retry with the same key answers with the first "
        "feedback and saves (and e-mails) nothing more.",
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, enrolment_id: int) -> Response:
        enrolment = mentee(request, enrolment_id)
        serializer = WeekFeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        week = get_object_or_404(Week, number=serializer.validated_data["week"]["number"])
        feedback = services.feedback_create(
            author=request.user,  # type: ignore[arg-type]
            enrolment=enrolment,
            week=week,
            body=serializer.validated_data["body"],
            request_key=request_key_of(request),
        )
        return Response(WeekFeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


class MenteePhaseReview(APIView):
    permission_classes = MENTOR

    @extend_schema(
        request=PhaseReviewSerializer, responses={201: PhaseReviewSerializer}, summary="Review a phase"
    )
    def post(self, request: Request, enrolment_id: int, number: int) -> Response:
        enrolment = mentee(request, enrolment_id)
        phase = get_object_or_404(Phase, number=number)
        serializer = PhaseReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.phase_review_create(
            reviewer=request.user,  # type: ignore[arg-type]
            enrolment=enrolment,
            phase=phase,
            decision=serializer.validated_data["decision"],
            comments=serializer.validated_data.get("comments", ""),
        )
        return Response(PhaseReviewSerializer(review).data, status=status.HTTP_201_CREATED)
