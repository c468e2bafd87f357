"""Learner pages. Each view loads through a scoping selector, calls a service, renders."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from accounts.services import user_name_set
from curriculum.selectors import week_count
from lms.forms import add_validation_error, posted_data
from lms.locale import for_person
from progress import services
from progress.calendar import left_calendar, schedule_calendar
from progress.decorators import with_enrolment
from progress.forms import (
    EnrolmentForm,
    LearnerSettingsForm,
    LeaveForm,
    PaceForm,
    ReplanConfirmForm,
)
from progress.models import Enrolment
from progress.schedule import Schedule
from progress.scope import CURRENT_STATUSES, enrolment_latest_for
from progress.selectors import learner_overview, schedule_for


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    latest = enrolment_latest_for(learner=request.user)  # type: ignore[arg-type]
    if latest is not None and latest.status != Enrolment.Status.LEFT:
        return redirect("learner:dashboard")
    form = EnrolmentForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_create(
                learner=request.user,  # type: ignore[arg-type]
                start_date=form.cleaned_data["start_date"],
                pace=form.cleaned_data["pace"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _enrolled_message(schedule_for(enrolment, statuses={}, shifts=[])))
            return redirect("learner:dashboard")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "week_total": week_count(), "left": latest}
    return render(request, "progress/enrol.html", context, status=status)


def _enrolled_message(schedule: Schedule) -> str:
    """What a new enrolment's dashboard shows first: week 1 now, week 1 later, or a later week (a start
    date in the past)."""
    current, start = schedule.current_week, schedule.week(1).starts_on
    if current is None:
        return gettext("You are enrolled. Week 1 starts on %(date)s.") % {"date": date_format(start)}
    if current == 1:
        return gettext("You are enrolled. Here is your first week.")
    return gettext(
        "You are enrolled from %(date)s, so this is week %(number)s. "
        "Mark the weeks you have already done, or re-plan to start from week 1 now."
    ) % {"date": date_format(start), "number": current}


def _run_action(request: HttpRequest, action: Callable[[], object], success: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(_next_page(request))


def _next_page(request: HttpRequest) -> str:
    """Where an action returns: the POSTed `next` when it is a path on this site, else the dashboard
    (never another host: `https://evil.example/x`, `//evil.example`; never a name to reverse)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("learner:dashboard")


def _messages_of(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@with_enrolment
def replan(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    """GET: what a re-plan would change (new finish date, the weeks that move); POST: make it."""
    if request.method == "POST":
        form = ReplanConfirmForm(request.POST)
        confirming = form.confirming() if form.is_valid() else None
        try:
            change = services.schedule_replan(
                enrolment=enrolment,
                changed_by=request.user,  # type: ignore[arg-type]
                confirming=confirming,
            )
        except ValidationError as error:
            _messages_of(request, error)
            return redirect("progress:replan" if error.code == "stale" else "learner:dashboard")
        messages.success(
            request,
            gettext(
                "Re-planned: week %(number)s starts on %(date)s. "
                "Changed your mind? Undo it on your dashboard."
            )
            % {"number": change.first_week_with_slot, "date": date_format(change.starts_on)},
        )
        return redirect("learner:dashboard")
    try:
        preview = services.schedule_replan_preview(enrolment=enrolment)
    except ValidationError as error:
        _messages_of(request, error)
        return redirect("learner:dashboard")
    form = ReplanConfirmForm.for_change(preview.change)
    return render(request, "progress/replan.html", {"preview": preview, "form": form})


@require_POST
@with_enrolment
def replan_undo(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    try:
        services.schedule_replan_undo(enrolment=enrolment)
    except ValidationError as error:
        _messages_of(request, error)
    else:
        messages.success(request, gettext("The re-plan is undone: your schedule is as it was before it."))
    return redirect("learner:dashboard")


@require_POST
@with_enrolment
def pause(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    return _run_action(request, lambda: services.enrolment_pause(enrolment=enrolment), gettext("Paused."))


@require_POST
@with_enrolment
def resume(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    return _run_action(
        request,
        lambda: services.enrolment_resume(enrolment=enrolment, changed_by=request.user),  # type: ignore[arg-type]
        gettext("Welcome back: your schedule continues from where you paused."),
    )


@with_enrolment
def learner_settings(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    form = LearnerSettingsForm(posted_data(request), initial=_settings_initial(enrolment))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user_name_set(user=enrolment.learner, name=form.cleaned_data["name"])
            services.enrolment_update_settings(
                enrolment=enrolment,
                timezone_name=form.cleaned_data["timezone"],
                reminder_cadence=form.cleaned_data["reminder_cadence"],
            )
        messages.success(request, gettext("Settings saved."))
        return redirect("progress:settings")
    return _settings_page(request, enrolment, form=form, status=400 if request.method == "POST" else 200)


def _settings_initial(enrolment: Enrolment) -> dict[str, object]:
    return {
        "name": enrolment.learner.name,
        "timezone": enrolment.timezone,
        "reminder_cadence": enrolment.reminder_cadence,
    }


def _settings_page(
    request: HttpRequest,
    enrolment: Enrolment,
    *,
    form: LearnerSettingsForm | None = None,
    pace_form: PaceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = LearnerSettingsForm(initial=_settings_initial(enrolment))
    schedule = schedule_for(enrolment)
    feed_url = settings.SITE_URL + reverse("progress:calendar-feed", args=[enrolment.calendar_token])
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]  # calendar apps subscribe to webcal links
    context = {
        "form": form,
        "pace_form": pace_form or PaceForm(initial={"pace": schedule.pace}),
        "schedule": schedule,
        "finish": schedule.weeks[-1].ends_on,
        "current": enrolment.status in CURRENT_STATUSES,
        "enrolment": enrolment,
        "feed_url": feed_url,
        "webcal_url": webcal_url,
    }
    return render(request, "progress/settings.html", context, status=status)


@require_POST
@with_enrolment
def pace_change(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    """A new pace from next week on (settings page); errors show on the settings page's pace form."""
    form = PaceForm(request.POST)
    if form.is_valid():
        try:
            change = services.enrolment_pace_change(
                enrolment=enrolment,
                pace=form.cleaned_data["pace"],
                changed_by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            finish = schedule_for(enrolment).weeks[-1].ends_on
            messages.success(
                request,
                ngettext(
                    "Your pace is now %(pace)s curriculum week a week from week %(number)s: "
                    "you finish on %(date)s.",
                    "Your pace is now %(pace)s curriculum weeks a week from week %(number)s: "
                    "you finish on %(date)s.",
                    1 if change.pace == 1 else 2,  # a decimal pace (0.5, 1.5) reads as a plural
                )
                % {
                    "pace": number_format((change.pace or form.cleaned_data["pace"]).normalize()),
                    "number": change.from_week,
                    "date": date_format(finish),
                },
            )
            return redirect("progress:settings")
    return _settings_page(request, enrolment, pace_form=form, status=400)


@with_enrolment
def leave(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    """GET: what leaving means; POST (confirmed): the enrolment ends, everything in it is kept."""
    if enrolment.status not in CURRENT_STATUSES:
        messages.info(request, gettext("This enrolment has already ended."))
        return redirect("learner:dashboard")
    form = LeaveForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_leave(enrolment=enrolment)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, gettext("You have left the curriculum. Your progress is kept: enrol again any time.")
            )
            return redirect("learner:dashboard")
    context = {"form": form, "enrolment": enrolment}
    return render(request, "progress/leave.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@with_enrolment
def calendar_rotate(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    services.calendar_token_rotate(enrolment=enrolment)
    messages.success(request, gettext("A new calendar link was made; the old one no longer works."))
    return redirect("progress:settings")


CALENDAR_FEED_MAX_AGE = 300  # seconds


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret-URL iCalendar feed: the token is the credential, so no log-in."""
    enrolment = get_object_or_404(Enrolment.objects.select_related("learner"), calendar_token=token)
    # The link follows the learner's current enrolment (services._calendar_feed_move); after leaving, the
    # feed empties (with a note), so a subscriber never keeps the abandoned dates.
    with for_person(enrolment.learner):  # a calendar app's request says nothing of the learner's language
        if enrolment.status == Enrolment.Status.LEFT:
            body = left_calendar(enrolment=enrolment)
        else:
            body = schedule_calendar(learner_overview(enrolment=enrolment))
    response = HttpResponse(body, content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    # Calendar apps may keep the feed 5 minutes: a rotated (revoked) link stops working within that.
    response["Cache-Control"] = f"private, max-age={CALENDAR_FEED_MAX_AGE}"
    return response
