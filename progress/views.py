"""Learner pages. Each view loads through a scoping selector, calls a service, renders."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.services import user_name_set
from assessments.selectors import quiz_summaries_for, quiz_summary_for
from cards.selectors import day_end_of, due_summary_for
from curriculum.models import Week
from curriculum.selectors import resources_of, week_count, week_with_neighbours
from lms.forms import add_validation_error, posted_data
from mentoring.selectors import feedback_for, phase_reviews_for
from notifications.selectors import notices_for
from progress import services
from progress.calendar import schedule_calendar
from progress.dashboard import dashboard_overview
from progress.forms import (
    EnrolmentForm,
    LearnerSettingsForm,
    LeaveForm,
    PaceForm,
    ReplanConfirmForm,
    WeekProgressForm,
)
from progress.models import Enrolment
from progress.schedule import Schedule
from progress.selectors import (
    CURRENT_STATUSES,
    enrolment_latest_for,
    enrolments_visible_to,
    learner_overview,
    schedule_for,
    week_plan_for,
)
from projects.selectors import has_published_project, project_card_for

View = Callable[..., HttpResponse]


def _enrol_first(request: HttpRequest) -> HttpResponse:
    """Where a learner's page sends someone without an enrolment: mentors and staff to their mentees
    (they can still enrol at /enrol/), learners to the enrol form."""
    user = request.user
    if user.is_mentor or user.is_staff:  # type: ignore[union-attr]
        return redirect("mentoring:dashboard")
    messages.info(request, "Choose a start date to get your schedule.")
    return redirect("progress:enrol")


def with_enrolment(view: View) -> View:
    """Log-in required; hands the learner's own enrolment to the view, or sends them to enrol."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        enrolment = enrolment_latest_for(learner=request.user)  # type: ignore[arg-type]
        if enrolment is None:
            return _enrol_first(request)
        return view(request, enrolment, *args, **kwargs)

    return wrapper


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    latest = enrolment_latest_for(learner=request.user)  # type: ignore[arg-type]
    if latest is not None and latest.status != Enrolment.Status.LEFT:
        return redirect("progress:dashboard")
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
            return redirect("progress:dashboard")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "week_total": week_count(), "left": latest}
    return render(request, "progress/enrol.html", context, status=status)


def _enrolled_message(schedule: Schedule) -> str:
    """What a new enrolment's dashboard shows first: week 1 now, week 1 later, or a later week (a start
    date in the past)."""
    current, start = schedule.current_week, schedule.week(1).starts_on
    if current is None:
        return f"You are enrolled. Week 1 starts on {dateformat.format(start, 'l j F Y')}."
    if current == 1:
        return "You are enrolled. Here is your first week."
    return (
        f"You are enrolled from {dateformat.format(start, 'j F Y')}, so this is week {current}. "
        "Mark the weeks you have already done, or re-plan to start from week 1 now."
    )


@with_enrolment
def dashboard(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    if enrolment.status == Enrolment.Status.LEFT:
        context = {"enrolment": enrolment, "schedule": schedule_for(enrolment)}
        return render(request, "progress/left.html", context)
    overview = dashboard_overview(
        enrolment=enrolment, week_annotations={"has_project": has_published_project()}
    )
    current = overview.current_row.week if overview.current_row else None
    context = {
        "overview": overview,
        "enrolment": enrolment,
        "resources": resources_of(week_id=current.pk) if current else [],
        # Only this week's quiz is shown: its summary alone (not all 52).
        "quiz": quiz_summary_for(learner=enrolment.learner, week=current) if current else None,
        "project_card": (
            project_card_for(enrolment_id=enrolment.pk, week=current)
            if current and current.has_project  # type: ignore[attr-defined]
            else None
        ),
        "milestones": list(phase_reviews_for(enrolment=enrolment).values()),
        "notices": notices_for(recipient_id=enrolment.learner_id),
        "review_due": due_summary_for(learner=enrolment.learner, before=day_end_of(enrolment)),
    }
    return render(request, "progress/dashboard.html", context)


@with_enrolment
def schedule(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    quizzes = quiz_summaries_for(learner=enrolment.learner)
    context = {"overview": learner_overview(enrolment=enrolment, quizzes=quizzes), "read_only": False}
    return render(request, "progress/schedule.html", context)


@login_required
def learner_schedule(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """A learner's schedule as their mentor or staff see it (read-only)."""
    enrolment = get_object_or_404(enrolments_visible_to(user=request.user), pk=enrolment_id)  # type: ignore[arg-type]
    read_only = enrolment.learner_id != request.user.pk
    context = {"overview": learner_overview(enrolment=enrolment), "read_only": read_only}
    return render(request, "progress/schedule.html", context)


@with_enrolment
def week(request: HttpRequest, enrolment: Enrolment, number: int) -> HttpResponse:
    try:
        found = week_with_neighbours(number=number)
    except Week.DoesNotExist as error:
        raise Http404("There is no such week.") from error
    curriculum_week, previous, following = found.week, found.previous, found.following
    total_weeks = found.total_weeks
    progress, planned = week_plan_for(enrolment=enrolment, week=curriculum_week, total_weeks=total_weeks)
    initial = {
        "status": progress.status if progress else "not_started",
        "notes": progress.notes if progress else "",
    }
    form = WeekProgressForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.week_progress_set(
                enrolment=enrolment,
                week=curriculum_week,
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Week {number} saved.")
            return redirect("progress:week", number=number)
    quiz = quiz_summary_for(learner=enrolment.learner, week=curriculum_week)
    feedback = feedback_for(enrolment=enrolment, week=curriculum_week)
    # The learner may answer their mentor's feedback (mentoring.services.feedback_reply_create).
    can_reply = bool(
        enrolment.mentor_id
        and enrolment.status in CURRENT_STATUSES
        and any(not item.from_learner for item in feedback)
    )
    context = {
        "can_reply": can_reply,
        "previous": previous,
        "following": following,
        "feedback": feedback,
        "quiz": quiz,
        "week": curriculum_week,
        "resources": found.resources,
        "enrolment": enrolment,
        "progress": progress,
        "form": form,
        "planned": planned,
    }
    return render(request, "progress/week.html", context, status=400 if request.method == "POST" else 200)


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
    return reverse("progress:dashboard")


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
            return redirect("progress:replan" if error.code == "stale" else "progress:dashboard")
        messages.success(
            request,
            f"Re-planned: week {change.first_week_with_slot} starts on "
            f"{dateformat.format(change.starts_on, 'l j F')}. Changed your mind? Undo it on your dashboard.",
        )
        return redirect("progress:dashboard")
    try:
        preview = services.schedule_replan_preview(enrolment=enrolment)
    except ValidationError as error:
        _messages_of(request, error)
        return redirect("progress:dashboard")
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
        messages.success(request, "The re-plan is undone: your schedule is as it was before it.")
    return redirect("progress:dashboard")


@require_POST
@with_enrolment
def pause(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    return _run_action(request, lambda: services.enrolment_pause(enrolment=enrolment), "Paused.")


@require_POST
@with_enrolment
def resume(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    return _run_action(
        request,
        lambda: services.enrolment_resume(enrolment=enrolment, changed_by=request.user),  # type: ignore[arg-type]
        "Welcome back: your schedule continues from where you paused.",
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
        messages.success(request, "Settings saved.")
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
    """A new pace from this week on (settings page); errors show on the settings page's pace form."""
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
                f"Your pace is now {change.pace:g} curriculum weeks a week from week {change.from_week}: "
                f"you finish on {dateformat.format(finish, 'l j F Y')}.",
            )
            return redirect("progress:settings")
    return _settings_page(request, enrolment, pace_form=form, status=400)


@with_enrolment
def leave(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    """GET: what leaving means; POST (confirmed): the enrolment ends, everything in it is kept."""
    if enrolment.status not in CURRENT_STATUSES:
        messages.info(request, "This enrolment has already ended.")
        return redirect("progress:dashboard")
    form = LeaveForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_leave(enrolment=enrolment)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, "You have left the curriculum. Your progress is kept: enrol again any time."
            )
            return redirect("progress:dashboard")
    context = {"form": form, "enrolment": enrolment}
    return render(request, "progress/leave.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@with_enrolment
def calendar_rotate(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    services.calendar_token_rotate(enrolment=enrolment)
    messages.success(request, "A new calendar link was made; the old one no longer works.")
    return redirect("progress:settings")


CALENDAR_FEED_MAX_AGE = 300  # seconds


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret-URL iCalendar feed: the token is the credential, so no log-in."""
    enrolment = get_object_or_404(Enrolment.objects.select_related("learner"), calendar_token=token)
    response = HttpResponse(
        schedule_calendar(learner_overview(enrolment=enrolment)), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    # Calendar apps may keep the feed 5 minutes: a rotated (revoked) link stops working within that.
    response["Cache-Control"] = f"private, max-age={CALENDAR_FEED_MAX_AGE}"
    return response
