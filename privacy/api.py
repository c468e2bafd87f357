"""The API of a user's own data: start an export, follow it, download it once; request the account's
deletion, see it, cancel it (the same services as the "Your data" page)."""

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api import NOT_FOUND, ErrorSerializer
from privacy import deletion, exports
from privacy.models import DataExport
from privacy.selectors import exports_of, pending_deletion_of
from privacy.serializers import (
    DataExportSerializer,
    DeletionConfirmationSerializer,
    DeletionRequestSerializer,
    DownloadSerializer,
)
from privacy.views import zip_response


class MyDataExports(generics.ListAPIView):
    """My data exports, newest first."""

    serializer_class = DataExportSerializer
    queryset = DataExport.objects.none()

    def get_queryset(self) -> QuerySet[DataExport]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return exports_of(user=self.request.user)  # type: ignore[arg-type]

    @extend_schema(
        summary="Start an export of my data",
        request=None,
        responses={201: DataExportSerializer, 200: DataExportSerializer},
        description="Prepares a zip of everything the site keeps about you, in the background; follow "
        "it with its `id`. When ready, a download link is e-mailed (it works once, for its lifetime). "
        "While one is being prepared, that one is answered (200) and no other is started.",
    )
    def post(self, request: Request) -> Response:
        export, created = exports.data_export_start(user=request.user)  # type: ignore[arg-type]
        return Response(
            DataExportSerializer(export).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MyDataExport(generics.RetrieveAPIView):
    """One of my data exports: its status and progress."""

    serializer_class = DataExportSerializer
    queryset = DataExport.objects.none()

    def get_queryset(self) -> QuerySet[DataExport]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return exports_of(user=self.request.user)  # type: ignore[arg-type]


class MyDataExportDownload(APIView):
    @extend_schema(
        summary="Download my data (once)",
        request=DownloadSerializer,
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The zip."),
            404: OpenApiResponse(ErrorSerializer, description="No such link of yours."),
            410: OpenApiResponse(ErrorSerializer, description="The link was used already, or expired."),
        },
        description="With the secret of the e-mailed link. It works once: a second download is 410.",
    )
    def post(self, request: Request) -> HttpResponseBase:
        serializer = DownloadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            export = exports.data_export_download(
                user=request.user,  # type: ignore[arg-type]
                token=serializer.validated_data["token"],
            )
        except exports.LinkRefused as refused:
            return Response({"detail": refused.message}, status=refused.status)
        return zip_response(export)


class MyDeletion(APIView):
    """My account's deletion: scheduled after a grace period; logging in (a new token too) cancels it."""

    @extend_schema(
        summary="My account's pending deletion", responses={200: DeletionRequestSerializer, 404: NOT_FOUND}
    )
    def get(self, request: Request) -> Response:
        pending = pending_deletion_of(user=request.user)  # type: ignore[arg-type]
        if pending is None:
            return Response({"detail": gettext("Your account is not scheduled for deletion.")}, status=404)
        return Response(DeletionRequestSerializer(pending).data)

    @extend_schema(
        summary="Delete my account",
        request=DeletionConfirmationSerializer,
        responses={201: DeletionRequestSerializer, 200: DeletionRequestSerializer},
        description="Confirm with your password (or, without one, the phrase “delete my account”). The "
        "account is erased after the grace period (ACCOUNT_DELETION_GRACE_DAYS); every session and the API "
        "token end now, and logging in again before then cancels it. Already scheduled: 200 with it. Staff "
        "and mentors: 403 (an administrator closes their accounts).",
    )
    def post(self, request: Request) -> Response:
        serializer = DeletionConfirmationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scheduled, created = deletion.deletion_request_create(
            request=request._request,
            user=request.user,  # type: ignore[arg-type]
            password=serializer.validated_data.get("password", ""),
            phrase=serializer.validated_data.get("phrase", ""),
        )
        return Response(
            DeletionRequestSerializer(scheduled).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(summary="Cancel my account's deletion", responses={204: None, 404: NOT_FOUND})
    def delete(self, request: Request) -> Response:
        if deletion.deletion_request_cancel(user=request.user) is None:  # type: ignore[arg-type]
            return Response({"detail": gettext("Your account is not scheduled for deletion.")}, status=404)
        return Response(status=status.HTTP_204_NO_CONTENT)
