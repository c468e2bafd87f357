"""Projects over the API: the same selectors (scoping) and services as the pages.

Public: briefs with their rubrics. A learner: their versions (create and update a draft, submit, attach
files, read with reviews). A mentor (or staff): the review queue, a learner's versions, a review."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cohorts.selectors import cohort_id_from
from lms.api import VALIDATION_ERROR
from lms.parsers import FormParser, MultiPartParser
from lms.request_limits import accepts_uploads
from progress.api_permissions import MENTOR, mentee
from projects import services
from projects.downloads import attachment_response
from projects.models import Project, Version
from projects.selectors import (
    attachments_visible_to,
    projects_published,
    review_queue_for,
    versions_visible_to,
)
from projects.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DraftUpdateSerializer,
    ProjectReviewCreateSerializer,
    ProjectReviewSerializer,
    ProjectSerializer,
    QueueItemSerializer,
    VersionSerializer,
)

VERSION_RELATIONS = ("attachments", "review__scores", "review__reviewer")


@extend_schema(auth=[])
class ProjectList(generics.ListAPIView):
    """Published project briefs with their rubrics (criteria, levels and point ranges), by week."""

    permission_classes = [AllowAny]
    serializer_class = ProjectSerializer

    def get_queryset(self) -> QuerySet[Project]:
        return projects_published()


@extend_schema(auth=[])
class ProjectDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProjectSerializer
    lookup_url_kwarg = "project_id"

    def get_queryset(self) -> QuerySet[Project]:
        return projects_published()


def own_versions(request: Request) -> QuerySet[Version]:
    return (
        versions_visible_to(user=request.user)  # type: ignore[arg-type]
        .filter(enrolment__learner=request.user)  # type: ignore[misc]
        .prefetch_related(*VERSION_RELATIONS)
        .order_by("project__week__number", "-number")
    )


class MyVersionList(generics.ListCreateAPIView):
    """My versions of every project, newest first per project, with reviews and files. POST creates or
    updates my draft of a project (a new version starts after "changes requested")."""

    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[Version]:
        if getattr(self, "swagger_fake_view", False):
            return Version.objects.none()
        return own_versions(self.request)

    @extend_schema(request=VersionSerializer, responses={201: VersionSerializer}, summary="Save my draft")
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = VersionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = services.draft_save(
            learner=request.user,  # type: ignore[arg-type]
            project=data["project"],
            repository_url=data.get("repository_url", ""),
            commit=data.get("commit", ""),
            report=data.get("report", ""),
        )
        version = own_versions(request).get(pk=version.pk)
        return Response(
            VersionSerializer(version, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class MyVersionDetail(APIView):
    def version(self, request: Request, version_id: int) -> Version:
        return get_object_or_404(own_versions(request), pk=version_id)

    @extend_schema(responses=VersionSerializer, summary="One of my versions, with its review and files")
    def get(self, request: Request, version_id: int) -> Response:
        return Response(
            VersionSerializer(self.version(request, version_id), context={"request": request}).data
        )

    @extend_schema(request=DraftUpdateSerializer, responses=VersionSerializer, summary="Update my draft")
    def patch(self, request: Request, version_id: int) -> Response:
        version = self.version(request, version_id)
        serializer = DraftUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not version.is_draft:
            raise ValidationError(
                gettext("Version %(number)s is submitted: it cannot change.") % {"number": version.number}
            )
        values = {name: getattr(version, name) for name in ("repository_url", "commit", "report")}
        values.update(serializer.validated_data)
        services.draft_save(learner=request.user, project=version.project, **values)  # type: ignore[arg-type]
        return Response(
            VersionSerializer(self.version(request, version_id), context={"request": request}).data
        )


class MyVersionSubmit(APIView):
    @extend_schema(request=None, responses=VersionSerializer, summary="Submit my draft for review")
    def post(self, request: Request, version_id: int) -> Response:
        version = get_object_or_404(own_versions(request), pk=version_id)
        services.version_submit(learner=request.user, version_id=version.pk)  # type: ignore[arg-type]
        return Response(
            VersionSerializer(own_versions(request).get(pk=version.pk), context={"request": request}).data
        )


@accepts_uploads
class MyVersionAttachments(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
        summary="Attach a file to my draft (allowed types and size limit from the settings)",
    )
    def post(self, request: Request, version_id: int) -> Response:
        version = get_object_or_404(own_versions(request), pk=version_id)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            learner=request.user,  # type: ignore[arg-type]
            version_id=version.pk,
            upload=serializer.validated_data["file"],
        )
        data = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class MentorQueue(APIView):
    permission_classes = MENTOR

    @extend_schema(
        responses={200: QueueItemSerializer(many=True), 400: VALIDATION_ERROR},
        summary="Versions waiting for my review (staff: everyone's), oldest first, with how long each waited",
        parameters=[OpenApiParameter("cohort", OpenApiTypes.INT, description="Only this cohort's learners")],
    )
    def get(self, request: Request) -> Response:
        cohort_id = None
        if request.query_params.get("cohort"):
            cohort_id = cohort_id_from(request.query_params["cohort"], user=request.user)  # type: ignore[arg-type]
            if cohort_id is None:
                return Response({"cohort": [gettext("No such cohort of yours.")]}, status=400)
        queue = review_queue_for(user=request.user, cohort_id=cohort_id)  # type: ignore[arg-type]
        prefetch_related_objects([item.version for item in queue], *VERSION_RELATIONS)
        return Response(QueueItemSerializer(queue, many=True, context={"request": request}).data)


class MenteeVersionList(generics.ListAPIView):
    """A learner's versions of every project, with reviews and files."""

    permission_classes = MENTOR
    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[Version]:
        if getattr(self, "swagger_fake_view", False):
            return Version.objects.none()
        enrolment = mentee(self.request, self.kwargs["enrolment_id"])
        return (
            versions_visible_to(user=self.request.user)  # type: ignore[arg-type]
            .filter(enrolment=enrolment)
            .prefetch_related(*VERSION_RELATIONS)
            .order_by("project__week__number", "-number")
        )


class VersionReview(APIView):
    permission_classes = MENTOR

    @extend_schema(
        request=ProjectReviewCreateSerializer,
        responses={201: ProjectReviewSerializer},
        summary="Review a version against the rubric: every criterion's level, points and comment",
    )
    def post(self, request: Request, version_id: int) -> Response:
        get_object_or_404(versions_visible_to(user=request.user), pk=version_id)  # type: ignore[arg-type]
        serializer = ProjectReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            review = services.review_create(
                reviewer=request.user,  # type: ignore[arg-type]
                version_id=version_id,
                decision=data["decision"],
                comment=data["comment"],
                scores=[
                    services.ScoreInput(score["criterion"], score["level"], score["points"], score["comment"])
                    for score in data["scores"]
                ],
            )
        except PermissionDenied as error:  # visible (their own version), but not theirs to review
            raise Http404(gettext("No such version to review.")) from error
        return Response(ProjectReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class IgnoreAccept(BaseContentNegotiation):
    """A download answers its file whatever the client accepts (DRF would refuse `Accept:
    application/octet-stream` with a 406, as the API renders JSON only)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


class AttachmentDownload(APIView):
    """An attachment's file, with the API's credentials (a token or a session): the `url` the API gives
    for each attachment. The learner, their mentor and staff; anyone else: 404."""

    content_negotiation_class = IgnoreAccept

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download an attachment (always as a file, never rendered)",
    )
    def get(self, request: Request, attachment_id: int) -> FileResponse:
        attachment = get_object_or_404(attachments_visible_to(user=request.user), pk=attachment_id)  # type: ignore[arg-type]
        return attachment_response(attachment)
