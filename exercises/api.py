"""Exercises and runs over the API: the same selectors and services as the pages (the page's editor
calls these endpoints)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from exercises import services
from exercises.models import Exercise, Run
from exercises.selectors import draft_of, exercises_visible_to, runs_visible_to
from exercises.serializers import (
    DraftSerializer,
    ExerciseSerializer,
    RunCreateSerializer,
    RunDetailSerializer,
    RunSerializer,
)
from lms.api import ErrorSerializer

TOO_LARGE = OpenApiResponse(ErrorSerializer, description="The code is longer than 100,000 characters.")
TOO_MANY = OpenApiResponse(ErrorSerializer, description="Three of your runs are still waiting: retry later.")


def _exercises(request: Request) -> QuerySet[Exercise]:
    return exercises_visible_to(user=request.user)  # type: ignore[arg-type]


@extend_schema(
    summary="Published code exercises (never their hidden tests or reference solution)",
    parameters=[OpenApiParameter("week", OpenApiTypes.INT, description="Only this week's exercises.")],
)
class ExerciseListView(generics.ListAPIView):
    serializer_class = ExerciseSerializer

    def get_queryset(self) -> QuerySet[Exercise]:
        exercises = _exercises(self.request)
        week = self.request.query_params.get("week", "")
        if week:
            if not week.isdigit():
                return exercises.none()
            exercises = exercises.filter(week__number=int(week))
        return exercises


@extend_schema(summary="A code exercise: prompt, starter, example tests (never the hidden ones)")
class ExerciseDetailView(generics.RetrieveAPIView):
    serializer_class = ExerciseSerializer

    def get_queryset(self) -> QuerySet[Exercise]:
        return _exercises(self.request)


def service_error_response(error: ValidationError) -> Response | None:
    """413 for code too large, 429 for too many runs waiting; None for other errors (400)."""
    if isinstance(error, services.CodeTooLarge):
        return Response({"detail": error.messages[0]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(error, services.TooManyRuns):
        return Response({"detail": error.messages[0]}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    return None


class RunCreateView(generics.GenericAPIView):
    serializer_class = RunCreateSerializer

    @extend_schema(
        summary="Run code: the examples, or a submission (an attempt) against the hidden tests",
        request=RunCreateSerializer,
        responses={201: RunSerializer, 413: TOO_LARGE, 429: TOO_MANY},
        description="The run is queued for the sandbox: poll `GET exercise-runs/<id>/` until `finished`; "
        "each test's result appears as it is known. A submission counts as an attempt; no attempts left, "
        "an unpublished exercise or invalid code: 400, and nothing is saved.",
    )
    def post(self, request: Request, pk: int) -> Response:
        exercise = get_object_or_404(_exercises(request), pk=pk)
        serializer = RunCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            run = services.run_create(
                learner=request.user,  # type: ignore[arg-type]
                exercise=exercise,
                kind=serializer.validated_data["kind"],
                code=serializer.validated_data["code"],
            )
        except ValidationError as error:
            response = service_error_response(error)
            if response is None:
                raise
            return response
        data = RunSerializer(run, context={"viewer": request.user}).data
        return Response(data, status=status.HTTP_201_CREATED)


class DraftView(generics.GenericAPIView):
    serializer_class = DraftSerializer

    @extend_schema(summary="My draft of an exercise (the starter when I have none)")
    def get(self, request: Request, pk: int) -> Response:
        exercise = get_object_or_404(_exercises(request), pk=pk)
        draft = draft_of(learner=request.user, exercise=exercise)  # type: ignore[arg-type]
        if draft is None:
            return Response({"code": exercise.starter_code, "updated_at": None})
        return Response(DraftSerializer(draft).data)

    @extend_schema(summary="Keep my draft of an exercise", responses={200: DraftSerializer, 413: TOO_LARGE})
    def put(self, request: Request, pk: int) -> Response:
        exercise = get_object_or_404(_exercises(request), pk=pk)
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            draft = services.draft_save(
                learner=request.user,  # type: ignore[arg-type]
                exercise=exercise,
                code=serializer.validated_data["code"],
            )
        except ValidationError as error:
            response = service_error_response(error)
            if response is None:
                raise
            return response
        return Response(DraftSerializer(draft).data)


@extend_schema(
    summary="My runs (a mentor's include their mentees' submissions), newest first",
    parameters=[OpenApiParameter("exercise", OpenApiTypes.INT, description="Only this exercise's runs.")],
)
class RunListView(generics.ListAPIView):
    serializer_class = RunSerializer

    def get_queryset(self) -> QuerySet[Run]:
        runs = runs_visible_to(user=self.request.user).order_by("-created_at", "-id")  # type: ignore[arg-type]
        exercise = self.request.query_params.get("exercise", "")
        if exercise:
            runs = runs.filter(exercise_id=int(exercise)) if exercise.isdigit() else runs.none()
        return runs

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "viewer": self.request.user}


class RunDetailView(generics.GenericAPIView):
    serializer_class = RunDetailSerializer

    @extend_schema(
        summary="A run: its status, each test's result as it arrives, the last lines of output",
        description="Which hidden tests passed is always shown; a failure's assertion message as the "
        "exercise's review option allows (the learner's mentor and staff see all). Never the tests' code.",
    )
    def get(self, request: Request, pk: int) -> Response:
        run = runs_visible_to(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
        if run is None:
            raise Http404(gettext("No such run."))
        return Response(RunDetailSerializer(run, context={"viewer": request.user}).data)
