"""Reads of the curriculum. The curriculum is public: no scoping by user is needed."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Value

from curriculum.models import Phase, Resource, Week, week_heading
from lms.json_rows import JSONRows, instances_from


def phase_list_with_weeks() -> QuerySet[Phase]:
    """The phases in order, each with its weeks prefetched (two queries whatever the size)."""
    return Phase.objects.prefetch_related(Prefetch("weeks", queryset=Week.objects.order_by("number")))


def week_list() -> QuerySet[Week]:
    return Week.objects.select_related("phase").prefetch_related("resources").order_by("number")


def week_count() -> int:
    """How many weeks the curriculum has: the one answer to "how long is it" (never a literal)."""
    return Week.objects.count()


def week_phase_numbers() -> list[tuple[int, int]]:
    """(week number, phase number) for every week, in order."""
    return list(Week.objects.order_by("number").values_list("number", "phase__number"))


class WeekValues(NamedTuple):
    """A week as plain values, with its phase's number and title."""

    id: int
    number: int
    topic: str
    focus_area: str
    learning_objectives: str
    phase_id: int
    phase_number: int
    phase_title: str
    extra: tuple[Any, ...] = ()
    """The values of the caller's annotations (`week_values`), in their order."""


WEEK_VALUE_FIELDS = ("id", "number", "topic", "focus_area", "learning_objectives", "phase_id")


def week_values(**annotations: Any) -> list[WeekValues]:
    """Every week in order as plain values (one query, no model instances): for a page that shows a
    few weeks but needs the order and phases of all of them (the learner dashboard). `annotations`
    are expressions a higher app reads with each week (the dashboard: the learner's status on it)."""
    rows = (
        Week.objects.order_by("number")
        .annotate(**annotations)
        .values_list(*WEEK_VALUE_FIELDS, "phase__number", "phase__title", *annotations)
    )
    own = len(WEEK_VALUE_FIELDS) + 2
    return [WeekValues._make((*row[:own], tuple(row[own:]))) for row in rows]


def week_from(values: WeekValues) -> Week:
    """The week of `values` as a model instance (with its phase), as if read from the database: for a
    template that shows it; no query."""
    week = Week(
        pk=values.id,
        number=values.number,
        topic=values.topic,
        focus_area=values.focus_area,
        learning_objectives=values.learning_objectives,
        phase_id=values.phase_id,
    )
    week._state.adding, week._state.db = False, Week.objects.db  # as if read: links and relations work
    week.phase = Phase(pk=values.phase_id, number=values.phase_number, title=values.phase_title)
    return week


def resources_of(*, week_id: int) -> list[Resource]:
    """A week's resources, in their order (one query)."""
    return list(Resource.objects.filter(week_id=week_id).order_by("order", "id"))


def week_exists(*, number: int) -> bool:
    return Week.objects.filter(number=number).exists()


@dataclass(frozen=True)
class WeekLink:
    number: int
    topic: str

    @property
    def heading(self) -> str:
        return week_heading(self.number, self.topic)


@dataclass(frozen=True)
class WeekWithNeighbours:
    week: Week
    """With its phase."""
    resources: list[Resource]
    """The week's, in their order."""
    previous: WeekLink | None
    following: WeekLink | None
    """None at either end of the curriculum."""
    total_weeks: int


RESOURCE_FIELDS = ("id", "week_id", "order", "title", "url", "kind")


def week_with_neighbours(
    *, number: int, week_annotations: Mapping[str, Any] | None = None
) -> WeekWithNeighbours:
    """The week with that number (its phase loaded) and its resources, the weeks before and after it and
    how many weeks there are (the learner's week page needs the count for the schedule), in one query:
    the three weeks, each with its resources (as JSON) and the count. `week_annotations` are
    expressions a higher app reads with the week (the learner's week page: whether it has a project,
    exercises), left on it as attributes. Raises Week.DoesNotExist."""
    total = Week.objects.order_by().values(one=Value(1)).annotate(count=Count("id")).values("count")
    resources = JSONRows(Resource.objects.filter(week_id=OuterRef("pk")), *RESOURCE_FIELDS)
    rows = (
        Week.objects.filter(number__in=[number - 1, number, number + 1])
        .select_related("phase")
        .annotate(total_weeks=Subquery(total), resource_rows=resources, **(week_annotations or {}))
    )
    weeks = {week.number: week for week in rows}
    if number not in weeks:
        raise Week.DoesNotExist(f"There is no week {number}.")
    week = weeks[number]
    previous, following = (
        WeekLink(neighbour.number, neighbour.topic) if (neighbour := weeks.get(other)) else None
        for other in (number - 1, number + 1)
    )
    total_weeks: int = week.total_weeks  # type: ignore[attr-defined]
    week_resources = instances_from(Resource, week.resource_rows)  # type: ignore[attr-defined]
    week_resources.sort(key=lambda resource: (resource.order, resource.pk))  # as `resources_of` orders them
    return WeekWithNeighbours(week, week_resources, previous, following, total_weeks)
