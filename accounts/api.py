"""API tokens for scripts: obtain (and rotate) with e-mail and password, revoke."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from lms.throttles import TokenRateThrottle, WriteRateThrottle


class TokenView(APIView):
    throttle_classes = [WriteRateThrottle, TokenRateThrottle]

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        summary="Obtain a token",
        request=TokenRequestSerializer,
        responses={201: TokenSerializer},
        auth=[],
        description="With the e-mail address and password of the site's log-in. Each call issues a new "
        "token and the previous one stops working. Wrong credentials: 400 (non_field_errors). After 5 "
        "failures for the account (counted with the site's log-in form) or 10 a minute from the address: "
        "429 with Retry-After, even for the right password.",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = services.api_token_create(
                request=request._request,
                email=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except services.LoginLocked as locked:
            raise Throttled(wait=locked.retry_after, detail=str(locked)) from locked
        return Response(TokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke my token", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        services.api_token_revoke(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who am I: the account behind the session or token (no other data is read)."""

    @extend_schema(summary="Who am I", responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
