from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from curriculum.models import Week
from curriculum.selectors import phase_list_with_weeks, week_with_neighbours


def _outline() -> dict[str, object]:
    """The phases with their weeks, and how many weeks there are (counted, never written down)."""
    phases = list(phase_list_with_weeks())
    return {"phases": phases, "week_total": sum(len(phase.weeks.all()) for phase in phases)}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", _outline())


def curriculum_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "curriculum/overview.html", _outline())


def week_detail(request: HttpRequest, number: int) -> HttpResponse:
    try:
        found = week_with_neighbours(number=number)
    except Week.DoesNotExist as error:
        raise Http404(
            gettext("There is no week %(number)s in the curriculum.") % {"number": number}
        ) from error
    context = {
        "week": found.week,
        "resources": found.resources,
        "previous": found.previous,
        "following": found.following,
    }
    return render(request, "curriculum/week_detail.html", context)
