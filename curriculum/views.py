from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from curriculum.models import Week
from curriculum.selectors import phase_list_with_weeks, week_get


def curriculum_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "curriculum/overview.html", {"phases": phase_list_with_weeks()})


def week_detail(request: HttpRequest, number: int) -> HttpResponse:
    try:
        week = week_get(number=number)
    except Week.DoesNotExist as error:
        raise Http404(f"There is no week {number} in the curriculum.") from error
    return render(request, "curriculum/week_detail.html", {"week": week})
