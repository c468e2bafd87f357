from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.translation import gettext
from django.views.i18n import JavaScriptCatalog

from lms.health import CHECKS, health_report
from lms.middleware import SAME_FOR_EVERYONE


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ (the API's error shape), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/; elsewhere the standalone page, rendered without context processors or the
    database (something broke), its inline style allowed by the request's CSP nonce."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Server error.")}, status=500)
    nonce = str(getattr(request, "csp_nonce", ""))  # str(): makes the middleware put it in the header
    return HttpResponse(loader.get_template("500.html").render({"csp_nonce": nonce}), status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names none (the API's JSON, files): the site's icon.
    Its address comes from the static files' manifest when asked, never at import time (a URLconf that
    did made every manage.py command fail before collectstatic had run)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def ping(request: HttpRequest) -> HttpResponse:
    """Answers "ok" without touching the database: the ceiling the benchmarks compare pages with."""
    return HttpResponse("ok", content_type="text/plain")


def health(request: HttpRequest) -> JsonResponse:
    """The checks of lms.health as JSON (503 when one fails); `?check=database,cache` runs some."""
    names = [name for name in request.GET.get("check", "").split(",") if name]
    unknown = sorted(set(names) - set(CHECKS))
    if unknown:
        return JsonResponse({"detail": f"Unknown check: {', '.join(unknown)[:200]}."}, status=400)
    report = health_report(names or None)
    response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the container healthcheck: answers only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form sent without a valid CSRF token (an old tab, cookies blocked, a forged post): the
    site's page, styled by its own stylesheet under the CSP (Django's own page has an inline style)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": gettext("CSRF check failed: send the X-CSRFToken header.")}, status=403
        )
    return render(request, "403_csrf.html", {"no_cookie": "cookie" in reason.lower()}, status=403)


class LanguageCatalog(JavaScriptCatalog):
    """`/jsi18n/<language>/`: the scripts' translations (djangojs) and plural rule for `gettext`, `ngettext`
    and `interpolate` in static/js/. The language is in the address, not taken from the request, so that
    one answer serves everybody who reads that language and browsers and proxies may keep it a day
    (base.html names the page's language), then revalidate it by its ETag; it varies by neither cookie
    nor the browser's language (lms.middleware.SharedResponsesMiddleware)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:  # "es-mx" is served Spanish's catalogue, as Django would translate a page for it
            language = translation.get_supported_language_variant(kwargs.pop("language"))
        except LookupError as error:
            raise Http404("No such language.") from error
        with translation.override(language):
            response = super().get(request, *args, **kwargs)
        response["Content-Language"] = language
        patch_cache_control(response, public=True, max_age=CATALOG_MAX_AGE)
        set_response_etag(response)  # the catalogue's content: a release that changes its words changes it
        # 304 when the browser's copy has that ETag (given a response, this never answers None).
        response = get_conditional_response(request, etag=response["ETag"], response=response) or response
        setattr(response, SAME_FOR_EVERYONE, True)
        return response


CATALOG_MAX_AGE = 24 * 60 * 60
"""A day: a deployment that changes the scripts' words is seen by every browser within one."""
