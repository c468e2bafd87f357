"""The "Your data" page: download my data (with the export's progress) and delete my account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.models import User
from lms.forms import add_validation_error, posted_data
from privacy import deletion, exports
from privacy.forms import DeletionForm
from privacy.models import DataExport
from privacy.selectors import latest_export_of, pending_deletion_of

TOKEN_MAX_LENGTH = 100


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _export_context(user: User) -> dict[str, object]:
    return {"export": latest_export_of(user=user), "link_hours": settings.DATA_EXPORT_LINK_HOURS}


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = _export_context(user) | {
        "deletion_refusal": deletion.deletion_refusal(user),
        "pending_deletion": pending_deletion_of(user=user),
        "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS,
    }
    return render(request, "privacy/data.html", context)


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """GET: what deleting means, and the confirmation; POST: scheduled, and logged out everywhere."""
    user = _user(request)
    refusal = deletion.deletion_refusal(user)
    form = DeletionForm(posted_data(request), has_password=user.has_usable_password())
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            scheduled, _ = deletion.deletion_request_create(
                request=request,
                user=user,
                password=form.cleaned_data.get("password", ""),
                phrase=form.cleaned_data.get("phrase", ""),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            logout(request)
            return render(request, "privacy/deletion_scheduled.html", {"deletion": scheduled})
    context = {
        "form": form,
        "refusal": refusal,
        "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS,
        "phrase": deletion.CONFIRMATION_PHRASE,
    }
    status = 400 if request.method == "POST" else 200
    return render(
        request, "privacy/delete.html", context, status=403 if refusal and status == 400 else status
    )


@login_required
@require_POST
def delete_cancel(request: HttpRequest) -> HttpResponse:
    if deletion.deletion_request_cancel(user=_user(request)):
        messages.success(request, gettext("Your account will not be deleted."))
    else:
        messages.info(request, gettext("Your account was not scheduled for deletion."))
    return redirect("privacy:data")


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    _, created = exports.data_export_start(user=_user(request))
    if created:
        messages.success(
            request, gettext("We are preparing your data. We will e-mail you a link when it is ready.")
        )
    else:
        messages.info(request, gettext("Your data is already being prepared."))
    return redirect("privacy:data")


@login_required
def export_status(request: HttpRequest) -> HttpResponse:
    """The export's part of the page, fetched again while it is being prepared (static/js/data_export.js)."""
    return render(request, "privacy/_export.html", _export_context(_user(request)))


@login_required
def export_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """GET: the link's page (a button, so that a mail scanner's visit does not use the link up); POST:
    the zip, once."""
    if len(token) > TOKEN_MAX_LENGTH:
        return _refused(request, exports.LinkRefused(404, gettext("This download link is not valid.")))
    if request.method == "POST":
        try:
            export = exports.data_export_download(user=_user(request), token=token)
        except exports.LinkRefused as refused:
            return _refused(request, refused)
        return zip_response(export)
    found = exports.data_export_for_link(user=_user(request), token=token)
    if isinstance(found, exports.LinkRefused):
        return _refused(request, found)
    return render(request, "privacy/download.html", {"export": found})


def _refused(request: HttpRequest, refused: exports.LinkRefused) -> HttpResponse:
    return render(request, "privacy/link_refused.html", {"message": refused.message}, status=refused.status)


def zip_response(export: DataExport) -> HttpResponseBase:
    try:
        handle = default_storage.open(export.file_name, "rb")
    except (FileNotFoundError, OSError):
        message = gettext("This export is no longer stored.")
        return HttpResponse(message, status=410, content_type="text/plain; charset=utf-8")
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response
