from allauth.account.decorators import secure_admin_login
from allauth.urls import build_provider_urlpatterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views
from curriculum.views import home
from lms import views

# Unknown URLs under /api/ answer JSON like the API (other pages: the 404 and 500 templates).
handler404 = "lms.views.not_found"
handler500 = "lms.views.server_error"

# The admin has no log-in of its own: it sends to the site's (allauth's), with its rate limits, lock-out and
# second factor, so that nobody reaches admin around them.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("health/", views.health, name="health"),
    path("ping", views.ping, name="ping"),
    path("jsi18n/<str:language>/", views.LanguageCatalog.as_view(), name="javascript-catalog"),
    # Browsers ask for /favicon.ico where a page names none (the API's JSON, files): the site's icon.
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # allauth's log-in page, which answers a lock-out with 429 and Retry-After.
    path("accounts/login/", accounts_views.login, name="account_login"),
    path("accounts/preferences/", accounts_views.preferences, name="account_preferences"),
    path("accounts/settings/", accounts_views.settings_index, name="account_settings"),
    # allauth's parts one by one (its "allauth.urls" adds deprecated redirects a new site needs not):
    # accounts, second factors, sign-in providers (Settings) and each provider's log-in and callback.
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("accounts/", include(build_provider_urlpatterns())),
    path("curriculum/", include("curriculum.urls")),
    path("", include("progress.urls")),
    path("", include("learner.urls")),
    path("quizzes/", include("assessments.urls")),
    path("review/", include("cards.urls")),
    path("reminders/", include("reminders.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("", include("credentials.urls")),
    path("notices/", include("notifications.urls")),
    path("projects/", include("projects.urls")),
    path("exercises/", include("exercises.urls")),
    path("invitations/", include("invitations.urls")),
    path("my/data/", include("privacy.urls")),
    path("api/v1/", include("lms.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script), not inline: no 'unsafe-inline'.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
