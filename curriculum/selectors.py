"""Reads of the curriculum. The curriculum is public: no scoping by user is needed."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Subquery, Value

from curriculum.models import Phase, Week


def phase_list_with_weeks() -> QuerySet[Phase]:
    """The phases in order, each with its weeks prefetched (two queries whatever the size)."""
    return Phase.objects.prefetch_related(Prefetch("weeks", queryset=Week.objects.order_by("number")))


def week_list() -> QuerySet[Week]:
    return Week.objects.select_related("phase").prefetch_related("resources").order_by("number")


def week_get(*, number: int) -> Week:
    """The week with that number, with its phase and resources; raises Week.DoesNotExist."""
    return week_list().get(number=number)


def week_count() -> int:
    """How many weeks the curriculum has: the one answer to "how long is it" (never a literal)."""
    return Week.objects.count()


def week_phase_numbers() -> list[tuple[int, int]]:
    """(week number, phase number) for every week, in order."""
    return list(Week.objects.order_by("number").values_list("number", "phase__number"))


def week_exists(*, number: int) -> bool:
    return Week.objects.filter(number=number).exists()


@dataclass(frozen=True)
class WeekLink:
    number: int
    topic: str


def week_neighbours(*, week: Week) -> tuple[WeekLink | None, WeekLink | None, int]:
    """The weeks before and after this one (None at either end) and how many weeks there are, in one
    query (the week page needs the count for the schedule too)."""
    total = Week.objects.order_by().values(one=Value(1)).annotate(count=Count("id")).values("count")
    rows = list(
        Week.objects.filter(number__in=[week.number - 1, week.number + 1])
        .annotate(total=Subquery(total))
        .values_list("number", "topic", "total")
    )
    found = {number: WeekLink(number, topic) for number, topic, _ in rows}
    count = next((total for _, _, total in rows), None)
    if count is None:  # a curriculum of one week has no neighbours
        count = week_count()
    return found.get(week.number - 1), found.get(week.number + 1), count
