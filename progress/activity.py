"""Activity over time: the weeks in which a learner marked progress (the mentor workspace's active
chart), counted in the database."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from progress.models import WeekProgress


def week_back(now: datetime, back: int) -> tuple[datetime, datetime]:
    """The window of 7 days `back` weeks before `now` (0: the last 7 days): (start, end], as the activity
    conditions (`progress_marked_between`, assessments' `submitted_between`) take them."""
    end = now - timedelta(weeks=back)
    return end - timedelta(weeks=1), end


def weeks_back(now: datetime, weeks: int) -> list[tuple[datetime, datetime]]:
    """The `weeks` windows of `week_back` before `now`, most recent first."""
    return [week_back(now, back) for back in range(weeks)]


def weeks_marked_by_learner(
    *, enrolment_ids: QuerySet[Any], windows: list[tuple[datetime, datetime]]
) -> dict[int, set[int]]:
    """Learner id → the indexes of the `windows` ((start, end]) in which they marked a week of one of
    these enrolments, by `progress_marked_between`'s rule. One grouped query (not a subquery per
    enrolment and window)."""
    earliest = min(start for start, _ in windows)
    latest = max(end for _, end in windows)
    rows = (
        WeekProgress.objects.filter(
            enrolment_id__in=enrolment_ids, updated_at__gt=earliest, updated_at__lte=latest
        )
        .order_by()  # no ORDER BY (Meta.ordering would join the weeks): grouped per learner
        .values("enrolment__learner_id")
        .annotate(
            **{
                f"window_{index}": Count("pk", filter=Q(updated_at__gt=start, updated_at__lte=end))
                for index, (start, end) in enumerate(windows)
            }
        )
    )
    return {
        row["enrolment__learner_id"]: {i for i in range(len(windows)) if row[f"window_{i}"]} for row in rows
    }


def progress_marked_between(start: datetime, end: datetime) -> Exists:
    """Enrolment rows whose learner marked a week (status or notes) after `start`, up to `end` included
    (an activity; a week marked again later counts at its last change)."""
    return Exists(
        WeekProgress.objects.filter(enrolment_id=OuterRef("pk"), updated_at__gt=start, updated_at__lte=end)
    )
