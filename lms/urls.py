from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from curriculum.views import home
from lms import views

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    # Browsers ask for /favicon.ico where a page names none (the API's JSON, files): the site's icon.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True), name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("curriculum/", include("curriculum.urls")),
    path("", include("progress.urls")),
    path("quizzes/", include("assessments.urls")),
    path("reminders/", include("reminders.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("api/v1/", include("lms.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
