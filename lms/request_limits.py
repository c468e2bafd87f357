"""Bounded request bodies: a request larger than its address accepts is refused before it is read.

`RequestBodyLimitMiddleware` comes first in MIDDLEWARE, so it answers before CSRF, sessions and
log-in look at the request and before a byte of the body is read:

- every address accepts REQUEST_BODY_MAX_BYTES; a view decorated with `accepts_uploads` accepts a file
  of PROJECT_ATTACHMENT_MAX_BYTES plus UPLOAD_OVERHEAD_BYTES of form fields and multipart framing
  (`upload_request_max_bytes`, the same figure as nginx's client_max_body_size: deploy/nginx);
- a `Content-Length` above that is a 413 with the limit in words (JSON under /api/);
- a chunked body (no `Content-Length`) is read up to the limit and no further: past it, a 413; within
  it, the request goes on with the body it read (Django would otherwise read none of it).

Files inside an accepted body are then stored no further than their limit (lms.uploads).
"""

import tempfile
from collections.abc import Callable
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext

from lms.uploads import UPLOAD_LIMIT_ATTRIBUTE, upload_dir

UPLOAD_OVERHEAD_BYTES = 64 * 1024
"""Room for the multipart framing and the form's other fields beside a file of the largest size."""
ACCEPTS_UPLOADS = "accepts_uploads"
CHUNK = 64 * 1024

View = TypeVar("View", bound=Callable[..., Any])


def accepts_uploads(view: View) -> View:
    """Marks a view (a function, or an API view class) as taking a project attachment."""
    setattr(view, ACCEPTS_UPLOADS, True)
    return view


def upload_request_max_bytes() -> int:
    return settings.PROJECT_ATTACHMENT_MAX_BYTES + UPLOAD_OVERHEAD_BYTES


def size_text(size: int) -> str:
    """`3.1 MB`, `200 KB`: in the active language's numbers (rounded here: number_format truncates)."""
    if size >= 1024 * 1024:
        return gettext("%(size)s MB") % {"size": number_format(round(size / 1024 / 1024, 1), decimal_pos=1)}
    return gettext("%(size)s KB") % {"size": number_format(round(size / 1024), decimal_pos=0)}


def _takes_uploads(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view = match.func
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    return bool(getattr(view, ACCEPTS_UPLOADS, False) or getattr(view_class, ACCEPTS_UPLOADS, False))


def refusal(request: HttpRequest, message: str, status: int = 413) -> HttpResponse:
    """The refusal in `message`: JSON's `detail` under /api/, plain text elsewhere."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    else:
        response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    # The body was not read: the connection cannot carry another request.
    response["Connection"] = "close"
    return response


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # First of the middleware, before LocaleMiddleware: a refusal speaks the browser's language.
        with translation.override(translation.get_language_from_request(request)):
            return self.limited(request)

    def limited(self, request: HttpRequest) -> HttpResponse:
        default = settings.REQUEST_BODY_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if declared.strip():
            try:
                length = int(declared)
            except ValueError:
                return refusal(request, gettext("The Content-Length header is not a number."), status=400)
            if length < 0:
                return refusal(request, gettext("The Content-Length header is not a number."), status=400)
        elif not chunked:
            return self.get_response(request)
        else:
            length = 0
        limit = default
        if (length > default or chunked) and _takes_uploads(request):
            limit = upload_request_max_bytes()
            setattr(request, UPLOAD_LIMIT_ATTRIBUTE, settings.PROJECT_ATTACHMENT_MAX_BYTES)
        if length > limit:
            message = gettext("The request body is %(size)s; this address accepts at most %(limit)s.")
            return refusal(request, message % {"size": size_text(length), "limit": size_text(limit)})
        if chunked and not declared.strip():
            body = self.read_chunked(request, limit)
            if body is None:
                message = gettext(
                    "The request body is larger than that; this address accepts at most %(limit)s."
                )
                return refusal(request, message % {"limit": size_text(limit)})
            response = self.get_response(request)
            response._resource_closers.append(body.close)  # type: ignore[attr-defined]
            return response
        return self.get_response(request)

    def read_chunked(self, request: HttpRequest, limit: int) -> IO[bytes] | None:
        """Reads a body sent without a length up to the limit, and makes it the request's body (None:
        it is longer than the limit; nothing more is read)."""
        wsgi_input = request.META["wsgi.input"]
        body = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (kept open for the request; closed with it)
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=str(upload_dir())
        )
        size = 0
        while True:
            chunk = wsgi_input.read(min(CHUNK, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                body.close()
                return None
            body.write(chunk)
        body.seek(0)
        request.META["CONTENT_LENGTH"] = str(size)
        request._stream = LimitedStream(body, size)  # type: ignore[attr-defined,assignment,arg-type]
        request._read_started = False  # type: ignore[attr-defined]
        return body
