"""Writes of projects: drafts, submission, attachments, reviews. Every entry point (pages, API) calls these.

Concurrency: drafting and submitting lock the learner's enrolment row (`select_for_update`), so two
requests at once (a double click, two tabs, the API) make one version; a review locks the version row
and decides only a version still waiting, so two mentors at once cannot both decide.
Notices go through `notifications.services.notify` (a notice in the product and, as the recipient
prefers, the e-mail through the outbox), in the transaction of the write, under keys that make them once:
`project-submitted:<version id>` (to the mentor), `project-reviewed:<review id>` (to the learner).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from lms.locale import for_person
from notifications.notices import notices_settle
from notifications.services import notify
from progress.models import Enrolment
from progress.scope import CURRENT_STATUSES
from progress.services import activity_touch, week_progress_set
from projects.lifecycle import VERSION
from projects.models import Attachment, Project, Review, Score, Version
from projects.rubric import CriterionScore, fail_reasons, passes
from projects.selectors import can_review, latest_version, review_of
from projects.signals import versions_changed

MAX_ATTACHMENTS = 10
REPORT_MAX = 50_000


def _locked_enrolment(learner: User) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_for_update().filter(learner=learner, status__in=CURRENT_STATUSES).first()
    )
    if enrolment is None:
        raise ValidationError(gettext("Enrol first: project work belongs to your enrolment."))
    return enrolment


def draft_save(*, learner: User, project: Project, repository_url: str, commit: str, report: str) -> Version:
    """Create or update the learner's draft of a project. A new draft (the next version) may start
    when there is none yet or the latest version came back with changes requested."""
    if not project.is_published:
        raise ValidationError(gettext("This project is not open for submissions."))
    with transaction.atomic():
        enrolment = _locked_enrolment(learner)
        latest = latest_version(enrolment_id=enrolment.pk, project_id=project.pk)
        if latest is not None and latest.status == Version.Status.DRAFT:
            version = latest
        elif latest is not None and latest.status != Version.Status.CHANGES_REQUESTED:
            VERSION.check(state=latest.status, move="edit")  # waiting for review, or accepted: refused
        else:
            version = Version(
                enrolment=enrolment, project=project, number=(latest.number + 1) if latest else 1
            )
        if len(report) > REPORT_MAX:
            raise ValidationError(
                {
                    "report": gettext("Keep the report under %(limit)s characters: link the rest.")
                    % {"limit": f"{REPORT_MAX:,}"}
                }
            )
        version.repository_url = repository_url.strip()
        version.commit = commit.strip()
        version.report = report
        version.full_clean()
        version.save()
        activity_touch(learner=learner)
    return version


REQUIRED_TO_SUBMIT = {
    "repository_url": "Give the repository's https:// address.",
    "commit": "Give the commit SHA or tag to review.",
    "report": "Write the report before submitting.",
}


def version_submit(*, learner: User, version_id: int) -> Version:
    """Submit the learner's draft: it becomes immutable and waits for the mentor's review (who is told
    once). A second submit of the same draft (double click, retry) is refused, nothing changes."""
    with transaction.atomic():
        enrolment = _locked_enrolment(learner)
        version = (
            Version.objects.select_for_update()
            .select_related("project__week")
            .filter(pk=version_id, enrolment=enrolment)
            .first()
        )
        if version is None:
            raise PermissionDenied(gettext("This is not your version."))
        submitted = VERSION.check(state=version.status, move="submit")
        missing = {
            name: message
            for name, message in REQUIRED_TO_SUBMIT.items()
            if not getattr(version, name).strip()
        }
        if missing:
            raise ValidationError(missing)
        version.full_clean()
        version.status = submitted
        version.submitted_at = timezone.now()
        version.save(update_fields=["status", "submitted_at", "updated_at"])
        versions_changed.send(sender=Version, enrolment_ids=[version.enrolment_id])
        activity_touch(learner=learner)
        version_submitted_notice(version=version)
    return version


def submitted_notice_key(version_id: int) -> str:
    """The key of the mentor's notice of a submitted version: sent under it, settled by the review."""
    return f"project-submitted:{version_id}"


def version_submitted_notice(*, version: Version) -> None:
    """The mentor's e-mail and notice that a version waits for them (once per version)."""
    mentor = version.enrolment.mentor
    if mentor is None:
        return
    path = reverse("projects:version", args=[version.pk])
    learner = version.enrolment.learner
    with for_person(mentor):  # their language and zone
        context = {"version": version, "learner": learner, "mentor": mentor, "url": settings.SITE_URL + path}
        values = {
            "learner": learner,
            "number": version.number,
            "week": version.project.week.number,
            "title": version.project.title,
        }
        notify(
            recipient=mentor,
            kind="project_submitted",
            key=submitted_notice_key(version.pk),
            subject=gettext("%(learner)s submitted version %(number)s of the week %(week)s project") % values,
            email_text=render_to_string("projects/email/submitted.txt", context),
            text=gettext("%(learner)s submitted version %(number)s of “%(title)s”.") % values,
            link=path,
        )


def attachment_add(*, learner: User, version_id: int, upload: UploadedFile) -> Attachment:
    """Attach a file to the learner's draft: an allowed type (PROJECT_ATTACHMENT_EXTENSIONS) within the
    size limit (PROJECT_ATTACHMENT_MAX_BYTES); anything else is refused and nothing is stored."""
    name = PurePosixPath((upload.name or "").replace("\\", "/")).name[:200]
    suffix = PurePosixPath(name).suffix.lower()
    allowed = [ext.lower() for ext in settings.PROJECT_ATTACHMENT_EXTENSIONS]
    if suffix not in allowed:
        raise ValidationError(
            {
                "file": gettext("“%(name)s” is not an allowed type: %(allowed)s.")
                % {"name": name or gettext("This file"), "allowed": ", ".join(allowed)}
            }
        )
    limit = settings.PROJECT_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                "file": gettext("“%(name)s” is larger than the limit of %(limit)s.")
                % {"name": name, "limit": _size_text(limit)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": gettext("“%(name)s” is empty.") % {"name": name}})
    with transaction.atomic():
        enrolment = _locked_enrolment(learner)
        version = Version.objects.select_for_update().filter(pk=version_id, enrolment=enrolment).first()
        if version is None:
            raise PermissionDenied(gettext("This is not your version."))
        refusal = VERSION.refusal(state=version.status, move="edit")
        if refusal is not None:
            raise ValidationError({"file": refusal})
        if version.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                {"file": gettext("A version holds at most %(count)s files.") % {"count": MAX_ATTACHMENTS}}
            )
        attachment = Attachment(version=version, name=name, size=upload.size)
        attachment.file.save(name, upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)  # the row is not there: nor is the file
            raise
    return attachment


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"


@dataclass(frozen=True)
class ScoreInput:
    criterion_id: int
    level_id: int
    points: int
    comment: str = ""


def review_create(
    *, reviewer: User, version_id: int, decision: str, comment: str, scores: Sequence[ScoreInput]
) -> Review:
    """Score every criterion of the rubric (a level, points inside its range, a comment) and decide.

    Only the newest version, and only while it waits, can be reviewed: the version row is locked, so a
    second reviewer at the same moment waits, then is told it is decided. "Accepted" needs the pass
    rule (projects.rubric). Accepting marks the project's week completed (progress's own service,
    which refreshes the stored standing)."""
    if decision not in Review.Decision.values:
        raise ValidationError({"decision": gettext("Choose to accept or to request changes.")})
    if not comment.strip():
        raise ValidationError({"comment": gettext("Write an overall comment for the learner.")})
    with transaction.atomic():
        version = (
            Version.objects.select_for_update(of=("self",))
            .select_related("enrolment__learner", "enrolment__mentor", "project__week")
            .filter(pk=version_id)
            .first()
        )
        if version is None or not can_review(user=reviewer, version=version):
            raise PermissionDenied(gettext("Only this learner's mentor or staff can review this version."))
        move = "accept" if decision == Review.Decision.ACCEPTED else "request_changes"
        if VERSION.refusal(state=version.status, move=move) is not None:
            done = review_of(version)
            if done is not None:
                raise ValidationError(
                    gettext(
                        "Version %(number)s was already reviewed by %(reviewer)s: %(decision)s. "
                        "Reload to see the review."
                    )
                    % {
                        "number": version.number,
                        "reviewer": done.reviewer or gettext("someone"),
                        "decision": done.get_decision_display().lower(),
                    }
                )
            VERSION.check(state=version.status, move=move)
        newest = latest_version(enrolment_id=version.enrolment_id, project_id=version.project_id)
        if newest is not None and newest.pk != version.pk:
            raise ValidationError(
                gettext("Only the newest version (v%(number)s) can be reviewed.") % {"number": newest.number}
            )
        rows, rubric_scores = _checked_scores(version.project, scores)
        passed = passes(rubric_scores, pass_mark=version.project.pass_mark)
        if decision == Review.Decision.ACCEPTED and not passed:
            reasons = "; ".join(fail_reasons(rubric_scores, pass_mark=version.project.pass_mark))
            raise ValidationError(
                {
                    "decision": gettext("The rubric's pass rule is not met (%(reasons)s): request changes.")
                    % {"reasons": reasons}
                }
            )
        review = Review(
            version=version,
            reviewer=reviewer,
            decision=decision,
            comment=comment.strip(),
            total_points=sum(row.points for row in rows),
            passed=passed,
        )
        review.full_clean(exclude=["version"])
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError as error:  # the version's one review exists (the lock makes this unlikely)
            raise ValidationError(
                gettext("Version %(number)s was already reviewed.") % {"number": version.number}
            ) from error
        for row in rows:
            row.review = review
        Score.objects.bulk_create(rows)
        version.status = VERSION.check(state=version.status, move=move)
        version.save(update_fields=["status", "updated_at"])
        versions_changed.send(sender=Version, enrolment_ids=[version.enrolment_id])
        if decision == Review.Decision.ACCEPTED:
            week_progress_set(enrolment=version.enrolment, week=version.project.week, status="completed")
        review_notice(review=review)
        notices_settle(keys=[submitted_notice_key(version.pk)])  # the mentor's notice: acted on
    return review


def _checked_scores(
    project: Project, scores: Sequence[ScoreInput]
) -> tuple[list[Score], list[CriterionScore]]:
    criteria = {criterion.pk: criterion for criterion in project.criteria.prefetch_related("levels")}
    given: dict[int, ScoreInput] = {}
    errors: dict[str, list[str]] = {}
    for score in scores:
        if score.criterion_id not in criteria:
            errors.setdefault("scores", []).append(gettext("A score names a criterion of another rubric."))
        elif score.criterion_id in given:
            errors.setdefault("scores", []).append(
                gettext("“%(criterion)s” is scored twice.") % {"criterion": criteria[score.criterion_id]}
            )
        else:
            given[score.criterion_id] = score
    rows, rubric_scores = [], []
    for criterion_id, criterion in criteria.items():
        chosen = given.get(criterion_id)
        if chosen is None:
            errors.setdefault("scores", []).append(
                gettext("Score “%(criterion)s”.") % {"criterion": criterion}
            )
            continue
        levels = list(criterion.levels.all())
        level = next((level for level in levels if level.pk == chosen.level_id), None)
        if level is None:
            errors.setdefault("scores", []).append(
                gettext("“%(criterion)s”: choose one of its levels.") % {"criterion": criterion}
            )
            continue
        if not level.range.holds(chosen.points):
            errors.setdefault("scores", []).append(
                gettext("“%(criterion)s”: %(points)s is outside “%(range)s”: give %(low)s to %(high)s.")
                % {
                    "criterion": criterion,
                    "points": chosen.points,
                    "range": level.range,
                    "low": level.min_points,
                    "high": level.max_points,
                }
            )
            continue
        rows.append(
            Score(criterion=criterion, level=level, points=chosen.points, comment=chosen.comment.strip())
        )
        lowest = min(levels, key=lambda item: item.min_points)
        rubric_scores.append(
            CriterionScore(criterion.title, level.range, chosen.points, lowest=level.pk == lowest.pk)
        )
    if errors:
        raise ValidationError(errors)
    return rows, rubric_scores


def review_notice(*, review: Review) -> None:
    """The learner's e-mail and dashboard notice that their version was reviewed (once per review)."""
    version = review.version
    learner = version.enrolment.learner
    path = reverse("projects:version", args=[version.pk])
    accepted = review.decision == Review.Decision.ACCEPTED
    with for_person(learner):  # their language and zone
        context = {"review": review, "version": version, "learner": learner, "accepted": accepted,
                   "url": settings.SITE_URL + path}  # fmt: skip
        title = version.project.title
        subject = (
            gettext("Your project “%(title)s” is accepted") % {"title": title}
            if accepted
            else gettext("Changes requested on version %(number)s of “%(title)s”")
            % {"number": version.number, "title": title}
        )
        notify(
            recipient=learner,
            kind="project_reviewed",
            key=f"project-reviewed:{review.pk}",
            subject=subject,
            email_text=render_to_string("projects/email/reviewed.txt", context),
            text=f"{subject}. {review.comment}",
            link=path,
        )
