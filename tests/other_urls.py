"""A second URLconf for tests/test_jinja_environment.py: the site's URLs under another path."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("lms.urls"))]
