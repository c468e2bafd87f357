"""The decorator every page of a learner's own uses: log-in required, and their enrolment handed to the
view (or the person sent where they can start one)."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from progress.scope import enrolment_latest_for, enrolment_latest_with_changes_for

View = Callable[..., HttpResponse]


def _enrol_first(request: HttpRequest) -> HttpResponse:
    """Where a learner's page sends someone without an enrolment: mentors and staff to their mentees
    (they can still enrol at /enrol/), learners to the enrol form."""
    user = request.user
    if user.is_mentor or user.is_staff:  # type: ignore[union-attr]
        return redirect("mentoring:dashboard")
    messages.info(request, gettext("Choose a start date to get your schedule."))
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


def with_enrolment_and_changes(view: View) -> View:
    """As `with_enrolment`, and the enrolment's schedule changes (in the order made) read in the same
    query, handed after it: for the pages that show the schedule, whose selectors take them."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        found = enrolment_latest_with_changes_for(learner=request.user)  # type: ignore[arg-type]
        if found is None:
            return _enrol_first(request)
        enrolment, changes = found
        return view(request, enrolment, changes, *args, **kwargs)

    return wrapper
