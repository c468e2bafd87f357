"""Staff pages of cohorts: the list, a cohort's page (standings, projects, sign-offs) and its CSV."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext

from cohorts.selectors import cohorts_visible_to
from lms.csv_export import csv_response
from mentoring.cohort_report import CSV_COLUMNS, cohort_report, csv_row

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied(gettext("This page is for staff."))
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = (
        cohorts_visible_to(user=request.user)  # type: ignore[arg-type]
        .annotate(learner_count=Count("memberships"))
        .order_by("-start_date", "name")
    )
    return render(request, "mentoring/cohort_list.html", {"cohorts": cohorts})


@staff_required
def cohort_detail(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohorts = cohorts_visible_to(user=request.user).prefetch_related("mentors")  # type: ignore[arg-type]
    cohort = get_object_or_404(cohorts, pk=cohort_id)
    return render(request, "mentoring/cohort.html", {"report": cohort_report(cohort=cohort)})


@staff_required
def cohort_csv(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(cohorts_visible_to(user=request.user), pk=cohort_id)  # type: ignore[arg-type]
    report = cohort_report(cohort=cohort)
    name = slugify(cohort.name) or f"cohort-{cohort.pk}"
    return csv_response(
        filename=f"{name}.csv", header=CSV_COLUMNS, rows=(csv_row(row) for row in report.rows)
    )
