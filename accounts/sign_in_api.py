"""The account's ways in, for its owner: connected sign-in providers and the second factor (read-only:
connecting, disconnecting and enrolling happen in the browser, which asks for the password again)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.second_factor import second_factor_state_of
from accounts.social import connected_providers_of


class ConnectedProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.CharField(help_text='"github", "google" or the OpenID Connect provider\'s id.')
    name = serializers.CharField(help_text="As the log-in page names the provider.")
    account = serializers.CharField(help_text="The provider's name for the person (e-mail or username).")
    connected_at = serializers.DateTimeField()
    last_login = serializers.DateTimeField()


class SecondFactorSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="An authenticator app or a security key is enrolled.")
    methods = serializers.ListField(child=serializers.ChoiceField(choices=["totp", "webauthn"]))
    security_keys = serializers.IntegerField(min_value=0)
    recovery_codes_left = serializers.IntegerField(min_value=0)
    mandatory = serializers.BooleanField(
        source="required", help_text="The site requires this account (staff or a mentor) to have one."
    )


class SignInSerializer(serializers.Serializer):
    providers = ConnectedProviderSerializer(many=True)
    second_factor = SecondFactorSerializer()


class MySignInView(APIView):
    @extend_schema(
        summary="My ways in: sign-in providers and second factor", responses={200: SignInSerializer}
    )
    def get(self, request: Request) -> Response:
        data = {
            "providers": connected_providers_of(request=request._request, user=request.user),  # type: ignore[arg-type]
            "second_factor": second_factor_state_of(user=request.user),
        }
        return Response(SignInSerializer(data).data)
