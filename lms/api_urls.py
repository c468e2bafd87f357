"""Every API route of /api/v1/, gathered from the apps, and the index that lists them."""

from django.urls import include, path

from lms.api import ApiIndexView

urlpatterns = [
    path("", ApiIndexView.as_view(), name="api-index"),
    path("", include("accounts.api_urls")),
    path("", include("curriculum.api_urls")),
    path("", include("progress.api_urls")),
    path("", include("assessments.api_urls")),
    path("", include("cards.api_urls")),
    path("", include("mentoring.api_urls")),
    path("", include("credentials.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("projects.api_urls")),
    path("", include("privacy.api_urls")),
]
