"""A mentor's earlier learners: the enrolments that ended (the learner left, or it was completed)
while the mentor mentored them, read-only (progress.scope.enrolments_read_by), each linking to its
schedule and progress pages. Staff see every ended enrolment."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mentoring.views import mentor_required
from progress.scope import ended_enrolments_read_by

PER_PAGE = 50


@mentor_required
def ended_enrolments(request: HttpRequest) -> HttpResponse:
    enrolments = ended_enrolments_read_by(user=request.user)  # type: ignore[arg-type]
    page = Paginator(enrolments, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "mentoring/ended_enrolments.html", {"page": page})
