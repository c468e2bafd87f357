from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse


def ping(request: HttpRequest) -> HttpResponse:
    """Answers "ok" without touching the database: the ceiling the benchmarks compare pages with."""
    return HttpResponse("ok", content_type="text/plain")


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the container healthcheck: answers only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
