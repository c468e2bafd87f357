"""The notices pages: the list (mark read, mark all read) and the preferences. Scoped to the user by
`selectors.notices_visible_to`; writes by `notices.py`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from lms.forms import add_validation_error
from notifications.forms import PreferencesForm
from notifications.models import Notice
from notifications.notices import notice_mark_read, notices_mark_all_read, preferences_set
from notifications.selectors import audiences_of, notices_visible_to, preferences_for

PER_PAGE = 20


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = notices_visible_to(user=request.user).order_by("-created_at", "-id")
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@login_required
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark a notice read; with `open`, go where it leads (else back to the list)."""
    try:
        notice = notice_mark_read(user=request.user, notice_id=notice_id)
    except Notice.DoesNotExist as error:
        raise Http404(gettext("No such notice.")) from error
    if request.POST.get("open") and notice.safe_link:
        return redirect(notice.safe_link)
    return redirect("notifications:list")


@require_POST
@login_required
def notices_read_all(request: HttpRequest) -> HttpResponse:
    count = notices_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)s notice marked read.", "%(count)s notices marked read.", count) % {"count": count},
    )
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    audiences = audiences_of(user=user)
    rows = preferences_for(user=user, audiences=audiences)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            preferences_set(user=user, audiences=audiences, choices=form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, gettext("Your choices are saved."))
            return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "notifications/preferences.html", {"form": form, "audiences": audiences}, status=status
    )
