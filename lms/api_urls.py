"""Every API route of /api/v1/, gathered from the apps."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("curriculum.api_urls")),
    path("", include("progress.api_urls")),
    path("", include("assessments.api_urls")),
    path("", include("mentoring.api_urls")),
]
