"""Exercise pages: the exercise with its editor (which calls the API: exercises/api.py), a run's results
(the learner, their mentor, staff), and the plain form the page falls back to without JavaScript."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.models import User
from exercises import services
from exercises.execution import limits_of
from exercises.models import PACKAGES, Exercise, Run
from exercises.sandbox import limit_message, test_names
from exercises.selectors import (
    draft_code_for,
    exercise_summary_for,
    exercises_visible_to,
    run_tests_for,
    runs_visible_to,
    submissions_for_enrolment,
)
from lms.markdown import render_markdown
from progress.scope import enrolments_visible_to

RECENT_RUNS = 10


def _exercise_or_404(request: HttpRequest, pk: int) -> Exercise:
    return get_object_or_404(exercises_visible_to(user=request.user), pk=pk)  # type: ignore[arg-type]


def _page(
    request: HttpRequest, exercise: Exercise, *, code: str | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    learner: User = request.user  # type: ignore[assignment]  # behind @login_required
    runs = list(
        Run.objects.filter(
            learner=learner, exercise=exercise, kind__in=(Run.Kind.EXAMPLES, Run.Kind.SUBMISSION)
        )
        .select_related("exercise")
        .order_by("-created_at", "-id")[:RECENT_RUNS]
    )
    context = {
        "exercise": exercise,
        "prompt_html": render_markdown(exercise.prompt),
        "code": draft_code_for(learner=learner, exercise=exercise) if code is None else code,
        "summary": exercise_summary_for(learner=learner, exercise=exercise),
        "hidden_tests": [description for _, description in test_names(exercise.hidden_tests)],
        "packages": [PACKAGES[name] for name in exercise.packages if name in PACKAGES],
        "runs": runs,
        "error": error,
    }
    return render(request, "exercises/exercise.html", context, status=status)


@login_required
def exercise_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _exercise_or_404(request, pk))


@login_required
@require_POST
def run_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The form's "Run examples" / "Submit" without JavaScript: the run's page shows its results."""
    exercise = _exercise_or_404(request, pk)
    code = request.POST.get("code", "")
    kind = request.POST.get("kind", "")
    try:
        run = services.run_create(learner=request.user, exercise=exercise, kind=kind, code=code)  # type: ignore[arg-type]
    except services.CodeTooLarge as error:
        return _page(request, exercise, code="", error=error.messages[0], status=413)
    except services.TooManyRuns as error:
        return _page(request, exercise, code=code, error=error.messages[0], status=429)
    except ValidationError as error:
        return _page(request, exercise, code=code, error=" ".join(error.messages), status=400)
    return redirect(run.get_absolute_url())


@login_required
def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = runs_visible_to(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if run is None:
        raise Http404(gettext("No such run."))
    context = {
        "run": run,
        "exercise": run.exercise,
        "tests": run_tests_for(viewer=request.user, run=run),  # type: ignore[arg-type]
        "limit_message": limit_message(run.limit, limits_of(run.exercise)) if run.limit else "",
        "own": run.learner_id == request.user.pk,
    }
    return render(request, "exercises/run.html", context)


@login_required
def learner_runs(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """A learner's code exercise submissions under an enrolment: the learner, their mentor, staff (the
    mentor's page of the learner links here)."""
    enrolments = enrolments_visible_to(user=request.user)  # type: ignore[arg-type]
    enrolment = get_object_or_404(enrolments, pk=enrolment_id)
    context = {"enrolment": enrolment, "runs": submissions_for_enrolment(enrolment_id=enrolment.pk)}
    return render(request, "exercises/learner_runs.html", context)
