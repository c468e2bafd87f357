"""Project pages: briefs (public), the learner's versions and drafts, a version with its review (the
learner, their mentor, staff), attachments through an access check, the mentor's review queue."""

import difflib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cohorts.selectors import cohort_choices_for, cohort_id_from
from lms.forms import add_validation_error
from lms.request_limits import accepts_uploads
from progress.scope import enrolment_current_for
from projects import services
from projects.downloads import attachment_response
from projects.forms import AttachmentForm, DraftForm, ReviewForm
from projects.models import Project, Version
from projects.selectors import (
    attachments_visible_to,
    can_review,
    project_for_week,
    projects_published,
    review_of,
    review_queue_for,
    review_waiting_days,
    versions_of,
    versions_visible_to,
)

RUBRIC = "project__criteria__levels"
"""What a version's page prefetches: the rubric it is scored against."""


def project_list(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/list.html", {"projects": projects_published()})


def _project_or_404(number: int) -> Project:
    project = project_for_week(number=number)
    if project is None:
        raise Http404(gettext("This week has no project."))
    return project


def _page_context(request: HttpRequest, project: Project, **forms: object) -> dict[str, object]:
    """The brief and rubric; for an enrolled learner also their versions, the draft and its forms."""
    context: dict[str, object] = {"project": project}
    user = request.user
    enrolment = enrolment_current_for(learner=user) if user.is_authenticated else None  # type: ignore[arg-type]
    if enrolment is not None:
        versions = versions_of(enrolment=enrolment, project=project)
        latest = versions[0] if versions else None
        draft = latest if latest and latest.is_draft else None
        can_start = latest is None or latest.status == Version.Status.CHANGES_REQUESTED
        source = draft or latest
        fields = ("repository_url", "commit", "report")
        initial = {name: getattr(source, name) for name in fields} if source else {}
        context.update(
            {
                "enrolment": enrolment,
                "versions": versions,
                "draft": draft,
                "can_draft": bool(draft) or can_start,
                "draft_form": DraftForm(initial=initial),
                "attachment_form": AttachmentForm(),
                "allowed_types": settings.PROJECT_ATTACHMENT_EXTENSIONS,
                "max_bytes": settings.PROJECT_ATTACHMENT_MAX_BYTES,
            }
        )
    context.update(forms)
    return context


def project_page(request: HttpRequest, number: int) -> HttpResponse:
    project = _project_or_404(number)
    return render(request, "projects/project.html", _page_context(request, project))


@require_POST
@login_required
def draft_save(request: HttpRequest, number: int) -> HttpResponse:
    """Save the draft ("Save draft") or save and submit it ("Submit for review")."""
    project = _project_or_404(number)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            version = services.draft_save(
                learner=request.user,  # type: ignore[arg-type]
                project=project,
                repository_url=form.cleaned_data["repository_url"] or "",
                commit=form.cleaned_data["commit"] or "",
                report=form.cleaned_data["report"] or "",
            )
            if "submit" in request.POST:
                services.version_submit(learner=request.user, version_id=version.pk)  # type: ignore[arg-type]
                messages.success(
                    request,
                    gettext("Version %(number)s submitted: your mentor is told.")
                    % {"number": version.number},
                )
                return redirect("projects:version", version_id=version.pk)
            messages.success(
                request, gettext("Draft of version %(number)s saved.") % {"number": version.number}
            )
            return redirect("projects:project", number=number)
        except ValidationError as error:
            add_validation_error(form, error)  # type: ignore[arg-type]
    return _project_page_with(request, number, draft_form=form)


def _project_page_with(request: HttpRequest, number: int, **forms: object) -> HttpResponse:
    """The project page again with the bound, invalid form (400)."""
    project = _project_or_404(number)
    return render(request, "projects/project.html", _page_context(request, project, **forms), status=400)


@require_POST
@login_required
def version_submit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(versions_visible_to(user=request.user), pk=version_id)  # type: ignore[arg-type]
    if version.enrolment.learner_id != request.user.pk:  # the mentor sees it, but it is not theirs
        raise Http404(gettext("Not your version."))
    try:
        services.version_submit(learner=request.user, version_id=version.pk)  # type: ignore[arg-type]
    except PermissionDenied as error:
        raise Http404(gettext("Not your version.")) from error
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, gettext("Not submitted: %(reason)s") % {"reason": message})
        return redirect("projects:project", number=version.project.week.number)
    messages.success(
        request,
        submitted_message(version.number),
    )
    return redirect("projects:version", version_id=version.pk)


@accepts_uploads
@require_POST
@login_required
def attachment_add(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(versions_visible_to(user=request.user), pk=version_id)  # type: ignore[arg-type]
    if version.enrolment.learner_id != request.user.pk:
        raise Http404(gettext("Not your version."))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                learner=request.user,  # type: ignore[arg-type]
                version_id=version.pk,
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"“{attachment.name}” attached to version {version.number}.")
            return redirect("projects:project", number=version.project.week.number)
    return _project_page_with(request, version.project.week.number, attachment_form=form)


def _report_diff(previous: Version | None, version: Version) -> list[tuple[str, str]]:
    """The report's changes since the previous version as (kind, line): "add", "del", "hunk" or ""."""
    if previous is None:
        return []
    lines = difflib.unified_diff(
        previous.report.splitlines(), version.report.splitlines(),
        f"v{previous.number}", f"v{version.number}", lineterm="", n=2,
    )  # fmt: skip
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    return [(kinds.get(line[:1], ""), line) for line in list(lines)[2:]]


@login_required
def version_page(
    request: HttpRequest, version_id: int, review_form: ReviewForm | None = None
) -> HttpResponse:
    versions = versions_visible_to(user=request.user).prefetch_related(RUBRIC)  # type: ignore[arg-type]
    version = get_object_or_404(versions, pk=version_id)
    project = version.project
    history = versions_of(enrolment=version.enrolment, project=version.project)
    this = next(item for item in history if item.pk == version.pk)
    previous = next((item for item in history if item.number == version.number - 1), None)
    previous_review = review_of(previous) if previous else None
    reviewing = version.status == Version.Status.SUBMITTED and can_review(user=request.user, version=version)  # type: ignore[arg-type]
    if reviewing and review_form is None:
        initial = (
            {score.criterion_id: score for score in previous_review.scores.all()} if previous_review else {}
        )
        review_form = ReviewForm(project=project, initial_scores=initial)  # type: ignore[arg-type]
    context = {
        "version": this,
        "project": project,
        "review": review_of(this),
        "previous": previous,
        "previous_review": previous_review,
        "diff": _report_diff(previous, this),
        "history": history,
        "review_form": review_form if reviewing else None,
        "is_learner": version.enrolment.learner_id == request.user.pk,
    }
    return render(
        request, "projects/version.html", context, status=400 if review_form and review_form.errors else 200
    )


@require_POST
@login_required
def review_create(request: HttpRequest, version_id: int) -> HttpResponse:
    versions = versions_visible_to(user=request.user).prefetch_related(RUBRIC)  # type: ignore[arg-type]
    version = get_object_or_404(versions, pk=version_id)
    if not can_review(user=request.user, version=version):  # type: ignore[arg-type]
        raise PermissionDenied(gettext("Only this learner's mentor or staff can review."))
    form = ReviewForm(request.POST, project=version.project)
    if form.is_valid():
        try:
            review = services.review_create(
                reviewer=request.user,  # type: ignore[arg-type]
                version_id=version.pk,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                scores=form.scores(),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                gettext("Review saved: %(decision)s. The learner is told.")
                % {"decision": review.get_decision_display().lower()},
            )
            return redirect("projects:version", version_id=version.pk)
    if version.status != Version.Status.SUBMITTED or not form.errors:
        for message in form.non_field_errors():
            messages.error(request, str(message))
        return redirect("projects:version", version_id=version.pk)
    return version_page(request, version_id, review_form=form)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """The file, to the learner, their mentor and staff only; always as a download (never rendered by
    the browser as a page of this site)."""
    attachment = get_object_or_404(attachments_visible_to(user=request.user), pk=attachment_id)  # type: ignore[arg-type]
    return attachment_response(attachment)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_staff or user.is_mentor):  # type: ignore[union-attr]
        raise PermissionDenied(gettext("This page is for mentors."))
    cohort_id = cohort_id_from(request.GET.get("cohort", ""), user=user)  # type: ignore[arg-type]
    context = {
        "queue": review_queue_for(user=user, cohort_id=cohort_id),  # type: ignore[arg-type]
        "waiting_days": review_waiting_days(),
        "cohorts": cohort_choices_for(user=user),  # type: ignore[arg-type]
        "cohort_id": cohort_id,
    }
    return render(request, "projects/queue.html", context)


def submitted_message(number: int) -> str:
    return gettext("Version %(number)s submitted: your mentor is told.") % {"number": number}
