"""The learner's own pages that show several apps at once: the dashboard, the schedule and the week page
(and, for their mentor and staff, the learner's schedule read-only). Each loads the learner's enrolment,
asks each app's selectors for its part, and renders; writes go through the owning app's services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from assessments.summaries import quiz_summaries_for, quiz_summary_for
from cards.selectors import day_end_of, due_summary_for
from curriculum.models import Week
from curriculum.selectors import resources_of, week_with_neighbours
from exercises.selectors import exercise_summaries_for, has_published_exercises
from learner import phrases
from learner.progress_report import own_enrolment, progress_report, report_enrolments_visible_to
from lms.forms import add_validation_error, posted_data
from mentoring.selectors import feedback_for, phase_reviews_for, reply_refusal
from notifications.selectors import notices_for
from progress import services
from progress.dashboard import dashboard_overview
from progress.decorators import with_enrolment, with_enrolment_and_changes
from progress.forms import WeekProgressForm
from progress.models import Enrolment, ScheduleChange
from progress.scope import enrolments_visible_to, other_enrolments_visible_to
from progress.selectors import learner_overview, schedule_for, week_plan_for
from projects.selectors import has_published_project, project_card_for


@with_enrolment_and_changes
def dashboard(request: HttpRequest, enrolment: Enrolment, changes: list[ScheduleChange]) -> HttpResponse:
    if enrolment.status == Enrolment.Status.LEFT:
        others = other_enrolments_visible_to(user=request.user, enrolment=enrolment)  # type: ignore[arg-type]
        schedule = schedule_for(enrolment, shifts=[change.shift for change in changes])
        context = {"enrolment": enrolment, "schedule": schedule, "others": others}
        return render(request, "progress/left.html", context)
    overview = dashboard_overview(
        enrolment=enrolment, changes=changes, week_annotations={"has_project": has_published_project()}
    )
    current = overview.current_row.week if overview.current_row else None
    context = {
        "overview": overview,
        "enrolment": enrolment,
        "resources": resources_of(week_id=current.pk) if current else [],
        # Only this week's quiz is shown: its summary alone (not all 52).
        "quiz": quiz_summary_for(learner=enrolment.learner, week=current, enrolment_id=enrolment.pk)
        if current
        else None,
        "project_card": (
            project_card_for(enrolment_id=enrolment.pk, week=current)
            if current and current.has_project  # type: ignore[attr-defined]
            else None
        ),
        "milestones": list(phase_reviews_for(enrolment=enrolment).values()),
        "notices": notices_for(recipient_id=enrolment.learner_id),
        "review_due": due_summary_for(learner=enrolment.learner, before=day_end_of(enrolment)),
        "phrases": phrases,
    }
    return render(request, "learner/dashboard.html", context)


@with_enrolment
def schedule(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    quizzes = quiz_summaries_for(learner=enrolment.learner, enrolment_id=enrolment.pk)
    overview = learner_overview(
        enrolment=enrolment, quizzes=quizzes, week_annotations={"has_project": has_published_project()}
    )
    others = other_enrolments_visible_to(user=request.user, enrolment=enrolment)  # type: ignore[arg-type]
    context = {"overview": overview, "read_only": False, "others": others, "phrases": phrases}
    return render(request, "learner/schedule.html", context)


@login_required
def learner_schedule(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """A learner's schedule as their mentor or staff see it (read-only)."""
    enrolment = get_object_or_404(enrolments_visible_to(user=request.user), pk=enrolment_id)  # type: ignore[arg-type]
    # Read-only for everyone: the learner's own actions (re-plan, undo) belong to their current schedule.
    read_only = True
    overview = learner_overview(
        enrolment=enrolment, week_annotations={"has_project": has_published_project()}
    )
    others = other_enrolments_visible_to(user=request.user, enrolment=enrolment)  # type: ignore[arg-type]
    context = {"overview": overview, "read_only": read_only, "others": others, "phrases": phrases}
    return render(request, "learner/schedule.html", context)


@with_enrolment_and_changes
def week(
    request: HttpRequest, enrolment: Enrolment, changes: list[ScheduleChange], number: int
) -> HttpResponse:
    # Whether the week has a project and exercises, read with it: their reads are skipped without.
    flags = {"has_project": has_published_project(), "has_exercises": has_published_exercises()}
    try:
        found = week_with_neighbours(number=number, week_annotations=flags)
    except Week.DoesNotExist as error:
        raise Http404(gettext("There is no such week.")) from error
    curriculum_week, previous, following = found.week, found.previous, found.following
    total_weeks = found.total_weeks
    progress, planned = week_plan_for(
        enrolment=enrolment, week=curriculum_week, changes=changes, total_weeks=total_weeks
    )
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
            messages.success(request, gettext("Week %(number)s saved.") % {"number": number})
            return redirect("learner:week", number=number)
    quiz = quiz_summary_for(learner=enrolment.learner, week=curriculum_week, enrolment_id=enrolment.pk)
    feedback = feedback_for(enrolment=enrolment, week=curriculum_week)
    # The week's project (brief, the learner's status, what to do next): e-mails and the calendar link here.
    project_card = (
        project_card_for(enrolment_id=enrolment.pk, week=curriculum_week)
        if curriculum_week.has_project  # type: ignore[attr-defined]
        else None
    )
    exercises = (
        exercise_summaries_for(learner=enrolment.learner, week_number=curriculum_week.number)
        if curriculum_week.has_exercises  # type: ignore[attr-defined]
        else []
    )
    # The learner may answer their mentor's feedback (mentoring.services.feedback_reply_create).
    commented = any(not item.from_learner for item in feedback)
    can_reply = reply_refusal(enrolment=enrolment, mentor_has_commented=commented) is None
    context = {
        "can_reply": can_reply,
        "project_card": project_card,
        "previous": previous,
        "following": following,
        "feedback": feedback,
        "quiz": quiz,
        "exercises": exercises,
        "week": curriculum_week,
        "resources": found.resources,
        "enrolment": enrolment,
        "progress": progress,
        "form": form,
        "planned": planned,
        "phrases": phrases,
    }
    return render(request, "learner/week.html", context, status=400 if request.method == "POST" else 200)


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    enrolment = own_enrolment(user=request.user)  # type: ignore[arg-type]
    if enrolment is None:
        return redirect("progress:enrol")
    return _render(request, enrolment)


@login_required
def learner_progress(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    try:
        enrolment = report_enrolments_visible_to(user=request.user).get(pk=enrolment_id)  # type: ignore[arg-type]
    except Enrolment.DoesNotExist as error:
        raise Http404(gettext("No such learner.")) from error
    return _render(request, enrolment)


def _render(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    report = progress_report(enrolment=enrolment, viewer=request.user)  # type: ignore[arg-type]
    own = enrolment.learner_id == request.user.pk
    others = other_enrolments_visible_to(user=request.user, enrolment=enrolment)  # type: ignore[arg-type]
    return render(request, "learner/progress.html", {"report": report, "own": own, "others": others})
