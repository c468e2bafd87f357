"""Reads of projects: briefs and rubrics, whose versions a user may see, the mentor's review queue, what a
phase sign-off needs. Access has one rule, `versions_visible_to` (the learner's own; their current
mentor's, by progress's `enrolments_mentored_by`; staff all)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import User
from cohorts.selectors import in_cohort
from curriculum.models import Week
from progress.models import Enrolment
from progress.scope import enrolments_mentored_by, enrolments_read_by
from projects.models import Attachment, Criterion, Level, Project, Review, Score, Version


def _with_rubric(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("week", "week__phase").prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.prefetch_related("levels"))
    )


def projects_published() -> QuerySet[Project]:
    """Every published brief with its rubric (three queries whatever their number)."""
    return _with_rubric(Project.objects.filter(is_published=True)).order_by("week__number")


def project_for_week(*, number: int, include_drafts: bool = False) -> Project | None:
    projects = _with_rubric(Project.objects.filter(week__number=number))
    if not include_drafts:
        projects = projects.filter(is_published=True)
    return projects.first()


def _scoped(user: User) -> Q | None:
    """The condition on a version's enrolment that the user may see; None: everything (staff)."""
    if user.is_staff:
        return None
    condition = Q(enrolment__learner=user)
    if user.is_mentor:
        condition |= Q(enrolment__in=enrolments_read_by(mentor=user))
    return condition


def versions_visible_to(*, user: User) -> QuerySet[Version]:
    """The one rule of who sees a version (and its review and attachments): the learner who made it,
    the mentor of its enrolment (read-only once it ended: `progress.scope.enrolments_read_by`), staff."""
    versions = Version.objects.select_related("project", "project__week", "enrolment", "enrolment__learner")
    if not user.is_authenticated:
        return versions.none()
    condition = _scoped(user)
    return versions if condition is None else versions.filter(condition)


def attachments_visible_to(*, user: User) -> QuerySet[Attachment]:
    """Attachments follow their version (`versions_visible_to`)."""
    return Attachment.objects.filter(version__in=versions_visible_to(user=user)).select_related("version")


def can_review(*, user: User, version: Version) -> bool:
    """The enrolment's current mentor, or staff (a learner never reviews, not even as a mentor)."""
    if not user.is_authenticated or version.enrolment.learner_id == user.pk:
        return False
    return user.is_staff or (
        user.is_mentor and enrolments_mentored_by(mentor=user).filter(pk=version.enrolment_id).exists()
    )


def review_waiting_days() -> int:
    return settings.PROJECT_REVIEW_WAITING_DAYS


@dataclass(frozen=True)
class QueueItem:
    version: Version
    waited: timedelta

    @property
    def days_waiting(self) -> int:
        return self.waited.days

    @property
    def overdue(self) -> bool:
        """Waiting longer than PROJECT_REVIEW_WAITING_DAYS (default 3)."""
        return self.waited > timedelta(days=review_waiting_days())

    # The queue's words, in the reader's language (the queue is a Jinja2 template: lms/jinja2.py).
    @property
    def project_heading(self) -> str:
        project = self.version.project
        return gettext("Week %(number)s: %(title)s") % {"number": project.week.number, "title": project.title}

    @property
    def review_text(self) -> str:
        return gettext("Review version %(number)s") % {"number": self.version.number}

    @property
    def waiting_text(self) -> str:
        days = self.days_waiting
        if not days:
            return gettext("today")
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}

    @property
    def overdue_text(self) -> str:
        days = review_waiting_days()
        return ngettext("Waiting > %(count)s day", "Waiting > %(count)s days", days) % {"count": days}


def review_queue_for(
    *, user: User, now: datetime | None = None, limit: int | None = None, cohort_id: int | None = None
) -> list[QueueItem]:
    """The versions waiting for this mentor's review (staff: everyone's), oldest first; `cohort_id`:
    only those of the cohort's enrolments.

    The ids first, then, if there are any, the versions with their project and learner: the mentor
    dashboard asks on every visit, and the queue is usually empty; the joined query cost twice as much
    to build and run for no row (1.5 ms against 0.9 ms)."""
    now = now or timezone.now()
    if not user.is_authenticated or not (user.is_staff or user.is_mentor):
        return []
    waiting = Version.objects.filter(status=Version.Status.SUBMITTED)
    if not user.is_staff:
        waiting = waiting.filter(enrolment__in=enrolments_mentored_by(mentor=user))
    if cohort_id is not None:
        waiting = waiting.filter(in_cohort(cohort_id, prefix="enrolment__"))
    oldest_first = waiting.order_by("submitted_at", "id").values_list("pk", flat=True)
    ids = list(oldest_first[:limit] if limit else oldest_first)
    if not ids:
        return []
    versions = Version.objects.select_related("project__week", "enrolment__learner").in_bulk(ids)
    # (a version deleted between the two queries, with its enrolment, is left out)
    return [
        QueueItem(version=version, waited=now - (version.submitted_at or now))
        for version in (versions.get(pk) for pk in ids)
        if version is not None
    ]


def project_waiting() -> Exists:
    """On enrolment rows: a version of theirs waits for review (the mentor table's flag)."""
    return Exists(Version.objects.filter(enrolment_id=OuterRef("pk"), status=Version.Status.SUBMITTED))


def versions_waiting_in(*, enrolment_ids: QuerySet[Any]) -> QuerySet[Version]:
    """The versions waiting for review under these enrolments (a subquery): the workspace's counts."""
    return Version.objects.filter(enrolment_id__in=enrolment_ids, status=Version.Status.SUBMITTED)


def versions_of(*, enrolment: Enrolment, project: Project) -> list[Version]:
    """The enrolment's versions of a project, newest first, with reviews, scores and attachments."""
    return list(
        Version.objects.filter(enrolment=enrolment, project=project)
        .select_related("review", "review__reviewer")
        .prefetch_related(
            "attachments",
            Prefetch("review__scores", queryset=Score.objects.select_related("criterion", "level")),
        )
        .order_by("-number")
    )


def latest_version(*, enrolment_id: int, project_id: int) -> Version | None:
    return (
        Version.objects.filter(enrolment_id=enrolment_id, project_id=project_id).order_by("-number").first()
    )


def review_of(version: Version) -> Review | None:
    try:
        return version.review
    except Review.DoesNotExist:
        return None


def accepted_project_for(*, enrolment_id: int, phase_id: int) -> Version | None:
    """The accepted version of the phase's sign-off project (`Project.signs_off_phase`) under this
    enrolment, None when there is none yet (or the phase has no such project). For certificates."""
    return (
        Version.objects.filter(
            enrolment_id=enrolment_id,
            status=Version.Status.ACCEPTED,
            project__signs_off_phase=True,
            project__week__phase_id=phase_id,
        )
        .select_related("project__week", "review")
        .order_by("-number")
        .first()
    )


def accepted_versions_of(*, learner: User) -> QuerySet[Version]:
    """The learner's accepted versions (every enrolment of theirs), in week order, with their project and
    review. For portfolios (credentials), which show each only when the learner chooses."""
    return (
        Version.objects.filter(enrolment__learner=learner, status=Version.Status.ACCEPTED)
        .select_related("project__week", "review")
        .order_by("project__week__number", "-number")
    )


def sign_off_projects_missing(*, enrolment_id: int, weeks: Sequence[Week] = ()) -> dict[int, list[int]]:
    """Per phase number, the weeks whose sign-off project is not accepted yet under this enrolment
    (phases without such a project are absent). Week rows read with `week_project_annotations` answer
    it without a query (an accepted version is always the latest: nothing can follow it); else one query."""
    if weeks and all("project_gate" in week.__dict__ for week in weeks):
        rows = [
            (week.phase.number, week.number)
            for week in weeks
            if week.project_gate and _latest_version(week).get("status") != Version.Status.ACCEPTED  # type: ignore[attr-defined]
        ]
    else:
        accepted = Version.objects.filter(
            enrolment_id=enrolment_id, project_id=OuterRef("pk"), status=Version.Status.ACCEPTED
        )
        rows = list(
            Project.objects.filter(signs_off_phase=True, is_published=True)
            .annotate(done=Exists(accepted))
            .filter(done=False)
            .values_list("week__phase__number", "week__number")
        )
    missing: dict[int, list[int]] = {}
    for phase, week_number in rows:
        missing.setdefault(phase, []).append(week_number)
    return missing


@dataclass(frozen=True)
class ProjectCard:
    """A week's project as the learner's dashboard shows it."""

    project: Project
    version: Version | None

    @property
    def status_label(self) -> str:
        return self.version.get_status_display() if self.version else gettext("Not started")


def week_project_annotations(*, enrolment_id: int) -> dict[str, Any]:
    """Expressions for week rows: the week's published project (id, title, kind, gate, pass mark: a join)
    and the learner's latest version of it (`project_version`: {id, number, status, total} or None, one
    subquery). The dashboard, the progress page and the mentor's page of a learner read them with the
    weeks (no query more); a subquery per value would be evaluated per value and week."""
    latest = Version.objects.filter(
        enrolment_id=enrolment_id, project_id=OuterRef("published_project__id")
    ).order_by("-number")
    version = JSONObject(id="pk", number="number", status="status", total="review__total_points")
    return {
        "published_project": FilteredRelation("project", condition=Q(project__is_published=True)),
        "project_id": F("published_project__id"),
        "project_title": F("published_project__title"),
        "project_kind": F("published_project__kind"),
        "project_gate": F("published_project__signs_off_phase"),
        "project_pass_mark": F("published_project__pass_mark"),
        "project_version": Subquery(latest.values(json=version)[:1], output_field=JSONField()),
    }


def _latest_version(week: Week) -> dict[str, Any]:
    """The learner's latest version of a week row's project ({} when none), as annotated."""
    return week.__dict__.get("project_version") or {}


def has_published_project() -> F:
    """On week rows: the week has a published project (the dashboard asks for its card only then).
    A week has at most one project (`Project.week` is one-to-one), so a LEFT JOIN answers: true, false
    (unpublished) or None (no project). It costs the query less to build than an EXISTS."""
    return F("project__is_published")


def project_card_for(*, enrolment_id: int, week: Week) -> ProjectCard | None:
    """The card of `week`'s published project with the learner's latest version of it (None: the week
    has no project), in one query: the dashboard shows one week."""
    versions = Version.objects.filter(enrolment_id=enrolment_id, project_id=OuterRef("pk")).order_by(
        "-number"
    )
    newest = versions.values(json=JSONObject(id="pk", number="number", status="status"))[:1]
    found = list(
        Project.objects.filter(week_id=week.pk, is_published=True)
        .order_by()
        .annotate(latest_version=Subquery(newest, output_field=JSONField()))[:1]
    )
    if not found:
        return None
    project = found[0]
    project.week = week
    latest: dict[str, Any] | None = project.latest_version  # type: ignore[attr-defined]
    version = None
    if latest:
        version = Version(pk=latest["id"], number=latest["number"], status=latest["status"], project=project)
    return ProjectCard(project=project, version=version)


@dataclass(frozen=True)
class ProjectLine:
    """A week's project as the progress page lists it: the latest version's status and rubric total."""

    week_number: int
    title: str
    status_label: str
    total_points: int | None
    """The latest version's review total (None: not reviewed yet)."""
    pass_mark: int | None
    version_id: int | None
    signs_off_phase: bool


def project_lines_of(weeks: Sequence[Week]) -> list[ProjectLine]:
    """The projects of week rows read with `week_project_annotations` (no query), in week order."""
    lines = []
    for week in weeks:
        values = week.__dict__
        if not values.get("project_id"):
            continue
        latest = _latest_version(week)
        status = latest.get("status")
        lines.append(
            ProjectLine(
                week_number=week.number,
                title=values["project_title"],
                status_label=str(Version.Status(status).label) if status else gettext("Not started"),
                total_points=latest.get("total"),
                pass_mark=values.get("project_pass_mark"),
                version_id=latest.get("id"),
                signs_off_phase=bool(values.get("project_gate")),
            )
        )
    return lines


def level_choices(project: Project) -> dict[int, list[Level]]:
    return {criterion.pk: list(criterion.levels.all()) for criterion in project.criteria.all()}


@dataclass(frozen=True)
class GroupProjectLine:
    """A published project across a group of enrolments (a cohort): how many accepted it, how many
    versions wait for review."""

    week_number: int
    title: str
    signs_off_phase: bool
    accepted: int
    waiting: int


def group_project_lines(*, enrolment_ids: QuerySet[Any]) -> list[GroupProjectLine]:
    """Each published project's figures over these enrolments (a subquery of ids), in week order: one
    grouped query whatever the group's size."""
    counted = Project.objects.filter(is_published=True).annotate(
        accepted=Count(
            "versions__enrolment",
            distinct=True,
            filter=Q(versions__enrolment_id__in=enrolment_ids, versions__status=Version.Status.ACCEPTED),
        ),
        waiting=Count(
            "versions",
            filter=Q(versions__enrolment_id__in=enrolment_ids, versions__status=Version.Status.SUBMITTED),
        ),
    )
    return [
        GroupProjectLine(week, title, gate, accepted, waiting)
        for week, title, gate, accepted, waiting in counted.order_by("week__number").values_list(
            "week__number", "title", "signs_off_phase", "accepted", "waiting"
        )
    ]


def accepted_project_count() -> Subquery:
    """On enrolment rows: how many projects the enrolment has an accepted version of."""
    accepted = (
        Version.objects.filter(enrolment_id=OuterRef("pk"), status=Version.Status.ACCEPTED)
        .order_by()
        .values("enrolment_id")
        .annotate(count=Count("project_id", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(accepted), 0)  # type: ignore[return-value]
