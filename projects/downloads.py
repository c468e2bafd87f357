"""An attachment's file as a response: the same for the page route and the API's (token) route."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext

from projects.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """Always a download (never rendered by the browser as a page of this site), never cached."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(gettext("The file is missing from storage.")) from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
