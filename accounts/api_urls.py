from django.urls import path

from accounts import api, sign_in_api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("me/sign-in/", sign_in_api.MySignInView.as_view(), name="api-my-sign-in"),
]
