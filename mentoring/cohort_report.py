"""The staff cohort page and its CSV: who is on track, behind or inactive, each learner's projects and
sign-offs, and the cohort's project and sign-off progress.

Every figure is read from stored rows (standings, accepted versions, signed-off phase reviews) in a
constant number of queries: the summary (one aggregate), the rows (one query with counted
subqueries), the projects (one grouped query), the sign-offs (one grouped query) and the phases.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cohorts.models import Cohort
from cohorts.selectors import CohortSummary, cohort_enrolments, cohort_summary, in_cohort, is_inactive_row
from curriculum.models import Phase
from invitations.models import Invitation
from invitations.selectors import invitation_status_in
from mentoring.models import PhaseReview
from progress.models import Enrolment
from projects.selectors import GroupProjectLine, accepted_project_count, group_project_lines


def _signed_off_count() -> Coalesce:
    """On enrolment rows: how many of its phases a mentor signed off."""
    signed = (
        PhaseReview.objects.filter(enrolment_id=OuterRef("pk"), decision=PhaseReview.Decision.SIGNED_OFF)
        .order_by()
        .values("enrolment_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(signed), 0)


@dataclass(frozen=True)
class CohortRow:
    enrolment: Enrolment
    projects_accepted: int
    phases_signed_off: int
    invitation: str
    """The learner's invitation to the cohort: pending, accepted, revoked, or "" (never invited)."""
    inactive: bool

    @property
    def invitation_label(self) -> str:
        """The invitation's status as the page shows it, in the reader's language ("" never invited)."""
        return str(Invitation.Status(self.invitation).label) if self.invitation else ""


@dataclass(frozen=True)
class SignOffLine:
    phase_number: int
    title: str
    signed_off: int


@dataclass(frozen=True)
class CohortReport:
    cohort: Cohort
    summary: CohortSummary
    rows: list[CohortRow]
    projects: list[GroupProjectLine]
    sign_offs: list[SignOffLine]


def cohort_rows(*, cohort: Cohort, now: datetime) -> list[CohortRow]:
    rows: QuerySet[Enrolment] = cohort_enrolments(cohort=cohort).annotate(
        projects_accepted=accepted_project_count(),
        phases_signed_off=_signed_off_count(),
        invitation_status=invitation_status_in(cohort_id=cohort.pk),
    )
    return [
        CohortRow(
            enrolment=row,
            projects_accepted=row.projects_accepted,  # type: ignore[attr-defined]
            phases_signed_off=row.phases_signed_off,  # type: ignore[attr-defined]
            invitation=row.invitation_status or "",  # type: ignore[attr-defined]
            inactive=is_inactive_row(row, now=now),
        )
        for row in rows
    ]


def sign_off_lines(*, enrolment_ids: QuerySet[Any]) -> list[SignOffLine]:
    counts = dict(
        PhaseReview.objects.filter(enrolment_id__in=enrolment_ids, decision=PhaseReview.Decision.SIGNED_OFF)
        .order_by()
        .values("phase_id")
        .annotate(count=Count("enrolment_id", distinct=True))
        .values_list("phase_id", "count")
    )
    return [
        SignOffLine(number, title, counts.get(pk, 0))
        for pk, number, title in Phase.objects.order_by("number").values_list("pk", "number", "title")
    ]


def cohort_report(*, cohort: Cohort, now: datetime | None = None) -> CohortReport:
    now = now or timezone.now()
    ids = Enrolment.objects.filter(in_cohort(cohort.pk)).values("pk")
    return CohortReport(
        cohort=cohort,
        summary=cohort_summary(cohort=cohort, now=now),
        rows=cohort_rows(cohort=cohort, now=now),
        projects=group_project_lines(enrolment_ids=ids),
        sign_offs=sign_off_lines(enrolment_ids=ids),
    )


CSV_COLUMNS = [
    "name", "email", "mentor", "status", "standing", "current week", "weeks behind", "weeks completed",
    "completion %", "last activity", "inactive", "projects accepted", "phases signed off", "invitation",
]  # fmt: skip


def csv_row(row: CohortRow) -> list[object]:
    enrolment = row.enrolment
    standing = getattr(enrolment, "standing", None)
    return [
        enrolment.learner.display_name,
        enrolment.learner.email,
        enrolment.mentor.email if enrolment.mentor else "",
        enrolment.get_status_display(),
        standing.label if standing else "",
        standing.current_week if standing and standing.current_week else "",
        standing.weeks_behind if standing else "",
        standing.weeks_completed if standing else "",
        standing.completion_percent if standing else "",
        enrolment.last_activity_at.date().isoformat(),
        "yes" if row.inactive else "no",
        row.projects_accepted,
        row.phases_signed_off,
        row.invitation,
    ]
