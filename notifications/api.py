"""Notices over the API: the user's own list, the unread count, mark one or all read. The same scoping
selector (`notices_visible_to`) and writes (`notices.py`) as the pages."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.models import Delivery, Notice
from notifications.notices import notice_mark_read, notices_mark_all_read, preferences_set
from notifications.selectors import audiences_of, notices_visible_to, preferences_for, unread_count_for


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


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    delivery = serializers.ChoiceField(choices=Delivery.choices)


class PreferenceUpdateSerializer(serializers.Serializer):
    choices = serializers.DictField(
        child=serializers.ChoiceField(choices=Delivery.choices),
        help_text='Kind → delivery, e.g. {"week_feedback": "in_product"}.',
    )


def _preferences(user: Any) -> list[dict[str, str]]:
    return [
        {"kind": row.kind.kind, "description": str(row.kind.label), "delivery": row.delivery}
        for row in preferences_for(user=user, audiences=audiences_of(user=user))
    ]


class NoticePreferences(APIView):
    """How each kind of notice reaches me: in the product only, also by e-mail, or in a weekly digest."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferenceSerializer(many=True), summary="My notice preferences")
    def get(self, request: Request) -> Response:
        return Response(_preferences(request.user))

    @extend_schema(
        request=PreferenceUpdateSerializer,
        responses=PreferenceSerializer(many=True),
        summary="Choose how kinds of notice reach me",
    )
    def put(self, request: Request) -> Response:
        serializer = PreferenceUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        preferences_set(
            user=user,
            audiences=audiences_of(user=user),
            choices=serializer.validated_data["choices"],
        )
        return Response(_preferences(user))
