"""The progress page: the learner's own (/my/progress/) and, for their mentor and staff, anyone's they
may see (/learners/<enrolment>/progress/). Load through the scoping selector, build, render."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gradebook.selectors import own_enrolment, progress_report, report_enrolments_visible_to
from progress.models import Enrolment


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
        raise Http404("No such learner.") from error
    return _render(request, enrolment)


def _render(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    report = progress_report(enrolment=enrolment, viewer=request.user)  # type: ignore[arg-type]
    own = enrolment.learner_id == request.user.pk
    return render(request, "gradebook/progress.html", {"report": report, "own": own})
