"""Notices over the API: the user's own list, the unread count, mark one or all read. The same scoping
selector (`notices_visible_to`) and writes (`notices.py`) as the pages."""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.models import Notice
from notifications.notices import notice_mark_read, notices_mark_all_read
from notifications.selectors import notices_visible_to, unread_count_for


class NoticeSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)
    link = serializers.CharField(source="safe_link", read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "kind", "title", "text", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields


UNREAD = inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
NO_FIELDS = {"application/json": OpenApiTypes.OBJECT}
"""The mark-read writes take no fields: an empty JSON object (or no body)."""
MARKED = inline_serializer("NoticesMarkedRead", {"marked_read": serializers.IntegerField()})


class NoticeList(generics.ListAPIView):
    """My notices, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = NoticeSerializer

    def get_queryset(self) -> QuerySet[Notice]:
        if getattr(self, "swagger_fake_view", False):
            return Notice.objects.none()
        return notices_visible_to(user=self.request.user).order_by("-created_at", "-id")


class NoticeUnreadCount(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UNREAD, summary="How many of my notices are unread")
    def get(self, request: Request) -> Response:
        return Response({"unread": unread_count_for(user=request.user)})


class NoticeRead(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=NO_FIELDS, responses=NoticeSerializer, summary="Mark one of my notices read")
    def post(self, request: Request, notice_id: int) -> Response:
        try:
            notice = notice_mark_read(user=request.user, notice_id=notice_id)
        except Notice.DoesNotExist as error:
            raise Http404 from error
        return Response(NoticeSerializer(notice).data)


class NoticesReadAll(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=NO_FIELDS, responses=MARKED, summary="Mark all my notices read")
    def post(self, request: Request) -> Response:
        return Response({"marked_read": notices_mark_all_read(user=request.user)})
