"""Mentor pages: the at-risk dashboard, its CSV, and a learner's detail with feedback and reviews."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from assessments.grading import percent_text
from assessments.selectors import submissions_of_enrolment, weak_spots_for, week_quiz_annotations
from cards.selectors import card_stats_for, day_end_of
from cohorts.selectors import cohort_choices_for, cohort_id_from
from curriculum.models import Phase, Week
from lms.csv_export import csv_response
from lms.forms import add_validation_error
from lms.idempotency import new_request_key
from mentoring import services
from mentoring.columns import sort_choices, sort_headers
from mentoring.flags import FLAGS
from mentoring.forms import FeedbackForm, PhaseReviewForm, ReplyForm
from mentoring.models import WeekFeedback
from mentoring.rows import MenteeRow
from mentoring.segments import STANDING_GROUPS, Segment
from mentoring.selectors import phase_reviews_for, phases_ready_for_review
from mentoring.table import SORT_KEYS, mentee_page, mentee_rows_from, mentee_table
from mentoring.workspace import workspace_for
from progress.scope import can_mentor, enrolment_current_for, mentee_enrolments_for
from progress.selectors import learner_overview
from projects.selectors import review_queue_for, review_waiting_days, week_project_annotations

View = Callable[..., HttpResponse]


def mentor_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not can_mentor(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(gettext("This page is for mentors."))
        return view(request, *args, **kwargs)

    return wrapper


DEFAULT_SORT = "-flags"


def _number(value: str | None) -> int | None:
    """A query-string number, or None when missing or malformed (a bad link shows the whole table)."""
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 <= number < 2**31 else None  # an id or a count; never a database overflow


def _segment(request: HttpRequest) -> Segment:
    """The part of the table a workspace chart linked to (unknown values: no filter)."""
    standing = request.GET.get("standing")
    return Segment(
        standing=standing if standing in STANDING_GROUPS else None,
        active_week=_number(request.GET.get("active")),
        quiz_phase=_number(request.GET.get("quiz_phase")),
        mentor_id=_number(request.GET.get("mentor")) if request.user.is_staff else None,
        cohort_id=cohort_id_from(request.GET.get("cohort", ""), user=request.user),  # type: ignore[arg-type]
    )


def _segment_label(segment: Segment) -> str:
    parts = []
    if segment.standing:
        parts.append(str(STANDING_GROUPS[segment.standing][0]))
    if segment.active_week is not None:
        weeks = segment.active_week
        parts.append(
            gettext("active in the last 7 days")
            if weeks == 0
            else ngettext("active %(count)s week before", "active %(count)s weeks before", weeks)
            % {"count": weeks}
        )
    if segment.quiz_phase is not None:
        parts.append(gettext("a phase %(number)s quiz not passed yet") % {"number": segment.quiz_phase})
    return " · ".join(parts)


def _table_options(request: HttpRequest) -> tuple[str | None, str]:
    """The flag filter and the sort asked for; an unknown sort is the default one."""
    sort = request.GET.get("sort") or DEFAULT_SORT
    if sort.removeprefix("-") not in SORT_KEYS:
        sort = DEFAULT_SORT
    return request.GET.get("flag") or None, sort


ROWS_PER_PAGE = (25, 50, 100)
"""How many rows a page of the table may show (the first: the default). 25 fit a screen or two and
keep the page quick to build; a mentor who wants more chooses it."""


def _rows_per_page(request: HttpRequest) -> int:
    asked = request.GET.get("per_page", "")
    return int(asked) if asked.isdigit() and int(asked) in ROWS_PER_PAGE else ROWS_PER_PAGE[0]


QUEUE_ON_DASHBOARD = 10
"""The oldest project versions waiting for review shown above the table (the queue page has them all)."""


@mentor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The table, a page at a time, filtered, sorted and paginated in SQL (the CSV holds every row)."""
    flag, sort = _table_options(request)
    segment = _segment(request)
    now = timezone.now()
    user = request.user
    table = mentee_page(
        user=user,  # type: ignore[arg-type]
        number=request.GET.get("page"),
        per_page=_rows_per_page(request),
        flag=flag,
        sort=sort,
        segment=segment,
        now=now,
    )
    page = table.page
    context = {
        "workspace_url": reverse("mentoring:workspace") + _mentor_query(segment),
        "segment": segment,
        "segment_label": _segment_label(segment),
        "segment_query": "".join(f"&amp;{name}={value}" for name, value in segment.query.items()),
        "mentor_query": _mentor_query(segment) or "?",
        "rows": table.rows,
        "page": page,
        "total": table.total,
        "total_label": ngettext("%(count)s learner", "%(count)s learners", table.total)
        % {"count": table.total},
        "flags": FLAGS,
        "flag": flag,
        "flag_label": FLAGS.get(flag or ""),
        "sort": sort,
        "headers": sort_headers(sort),
        "sort_choices": sort_choices(),
        "per_page": page.paginator.per_page,
        "per_page_choices": ROWS_PER_PAGE,
        "queue": review_queue_for(user=user, limit=QUEUE_ON_DASHBOARD, cohort_id=segment.cohort_id),  # type: ignore[arg-type]
        "cohorts": cohort_choices_for(user=user),  # type: ignore[arg-type]
        "waiting_days": review_waiting_days(),
    }
    return render(request, "mentoring/dashboard.html", context)


def _mentor_query(segment: Segment) -> str:
    """The group looked at (staff: one mentor's; anyone: one cohort's): the query string that keeps it
    ("" for everyone)."""
    group = Segment(mentor_id=segment.mentor_id, cohort_id=segment.cohort_id).query
    return "?" + urlencode(group) if group else ""


WORKSPACE_FRAGMENT = "X-Fragment"
"""The header the dashboard's script sends for the charts alone (without it: a page of their own)."""


@mentor_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The workspace: charts of the whole group, each linking to the table filtered to what it counts.

    Its own request, so that paging, sorting and filtering the table never rebuild the charts (they
    do not change with them): the dashboard fetches it; without JavaScript it is a page linked from there.
    """
    asked = _segment(request)
    group = Segment(mentor_id=asked.mentor_id, cohort_id=asked.cohort_id)  # the whole group
    context = {
        "workspace": workspace_for(user=request.user, mentor_id=group.mentor_id, cohort_id=group.cohort_id),  # type: ignore[arg-type]
        "segment": group,
        "table_url": reverse("mentoring:dashboard") + _mentor_query(group),
    }
    fragment = request.headers.get(WORKSPACE_FRAGMENT) == "workspace"
    template = "mentoring/_workspace.html" if fragment else "mentoring/workspace.html"
    response = render(request, template, context)
    patch_vary_headers(response, [WORKSPACE_FRAGMENT])
    return response


CSV_COLUMNS = [
    "learner", "email", "current_week", "weeks_behind", "completion_percent", "phase_percents",
    "last_activity", "quiz_average", "last_quiz", "last_attempt_percent", "last_quiz_best_percent",
    "last_quiz_status", "flags", "reasons", "cards_due", "cards_reviewed_7d", "cards_retention",
]  # fmt: skip


def csv_row(row: MenteeRow) -> list[object]:
    quiz = row.quiz
    return [
        str(row.learner),
        row.learner.email,
        row.current_week or "",
        row.weeks_behind,
        row.completion_percent,
        " ".join(f"P{phase}:{percent}%" for phase, percent in row.phase_percents.items()),
        row.last_activity.isoformat(timespec="minutes"),
        percent_text(quiz.average_percent),
        quiz.last_quiz or "",
        percent_text(quiz.last_percent),
        percent_text(quiz.last_best_percent),
        quiz.last_status or "",
        " ".join(row.flags),
        "; ".join(row.reasons),
        row.cards_due,
        row.cards_reviewed_7d,
        row.cards_retention_summary,
    ]


@mentor_required
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's table (same filter and order) as CSV."""
    flag, sort = _table_options(request)
    table = mentee_table(user=request.user, flag=flag, sort=sort, segment=_segment(request))  # type: ignore[arg-type]
    now = timezone.now()
    rows = mentee_rows_from(table, now=now)
    return csv_response(filename="mentees.csv", header=CSV_COLUMNS, rows=(csv_row(row) for row in rows))


@mentor_required
def learner_detail(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = get_object_or_404(mentee_enrolments_for(user=request.user), pk=enrolment_id)  # type: ignore[arg-type]
    feedback = WeekFeedback.objects.filter(enrolment=enrolment).select_related("week", "author")
    by_week: dict[int, list[WeekFeedback]] = {}
    for item in feedback:
        by_week.setdefault(item.week.number, []).append(item)
    overview = learner_overview(
        enrolment=enrolment,
        week_annotations={
            **week_project_annotations(enrolment_id=enrolment.pk),
            **week_quiz_annotations(learner_id=enrolment.learner_id),
        },
    )
    reviews = phase_reviews_for(enrolment=enrolment)
    context = {
        "enrolment": enrolment,
        "overview": overview,
        "feedback_by_week": by_week,
        "reviews": reviews,
        # A signed-off phase is final (mentoring.signoff): no review form for it.
        "blockers": {
            number: reasons
            for number, reasons in phases_ready_for_review(enrolment=enrolment, overview=overview).items()
            if not (number in reviews and reviews[number].is_signed_off)
        },
        "submissions": submissions_of_enrolment(enrolment_id=enrolment.pk),
        "weak_spots": weak_spots_for(enrolment_id=enrolment.pk),
        "review_stats": card_stats_for(learner=enrolment.learner, before=day_end_of(enrolment)),
        "feedback_form": FeedbackForm(),
        "request_key": new_request_key(),  # the feedback forms' (one per week: the key and the week)
        "review_form": PhaseReviewForm(),
    }
    return render(request, "mentoring/learner_detail.html", context)


@require_POST
@mentor_required
def feedback_create(request: HttpRequest, enrolment_id: int, number: int) -> HttpResponse:
    enrolment = get_object_or_404(mentee_enrolments_for(user=request.user), pk=enrolment_id)  # type: ignore[arg-type]
    week = get_object_or_404(Week, number=number)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        services.feedback_create(
            author=request.user,  # type: ignore[arg-type]
            enrolment=enrolment,
            week=week,
            body=form.cleaned_data["body"],
            request_key=form.cleaned_data["request_key"],
        )
        messages.success(
            request,
            gettext("Feedback on week %(number)s sent to %(learner)s.")
            % {"number": number, "learner": enrolment.learner},
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, gettext("Feedback not saved: %(error)s") % {"error": error})
    # Back to the week the feedback is about, not the top of a 52-week page.
    return redirect(reverse("mentoring:learner", args=[enrolment.pk]) + f"#week-{number}")


@require_POST
@login_required
def feedback_reply(request: HttpRequest, number: int) -> HttpResponse:
    """The learner's reply to their mentor's feedback on one of their weeks; back to that week."""
    enrolment = enrolment_current_for(learner=request.user)  # type: ignore[arg-type]
    if enrolment is None:
        raise Http404(gettext("You are not enrolled."))
    week = get_object_or_404(Week, number=number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_reply_create(
                learner=request.user,  # type: ignore[arg-type]
                enrolment=enrolment,
                week=week,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, gettext("Reply not sent: %(error)s") % {"error": message})
        else:
            messages.success(request, gettext("Your reply is sent to your mentor."))
    else:
        for field_errors in form.errors.values():
            for form_error in field_errors:
                messages.error(request, gettext("Reply not sent: %(error)s") % {"error": form_error})
    return redirect(reverse("learner:week", args=[number]) + "#feedback")


@require_POST
@mentor_required
def phase_review(request: HttpRequest, enrolment_id: int, number: int) -> HttpResponse:
    enrolment = get_object_or_404(mentee_enrolments_for(user=request.user), pk=enrolment_id)  # type: ignore[arg-type]
    phase = get_object_or_404(Phase, number=number)
    form = PhaseReviewForm(request.POST)
    if form.is_valid():
        try:
            services.phase_review_create(
                reviewer=request.user,  # type: ignore[arg-type]
                enrolment=enrolment,
                phase=phase,
                decision=form.cleaned_data["decision"],
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
    if form.errors:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    else:
        messages.success(request, gettext("Phase %(number)s review saved.") % {"number": number})
    return redirect("mentoring:learner", enrolment_id=enrolment.pk)
