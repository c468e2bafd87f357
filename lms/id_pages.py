"""Cutting a table's ids into pages, the one way the project does it: by keyset on the id, each page
one indexed range query (`WHERE id > <last of the previous page> ORDER BY id LIMIT n`), so the pages
together cost what one pass over the index does, however many there are. The weekly reminders page
through their candidates with it; the rebuilds of stored rows cut their ranges with it."""

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet


def id_pages(
    queryset: QuerySet[Any], *, size: int, field: str = "id", also_on: Iterable[str] = ()
) -> Iterator[list[int]]:
    """The values of `field` in `queryset` (ascending; a `.distinct()` queryset gives each once) in
    pages of at most `size`.

    `also_on` states the same lower bound on other keys known to be equal to `field`: PostgreSQL
    does not carry `id > n` across a join, and a page of enrolments joined to their standings had
    merged the enrolments from n with every standing from the first (reminders: 49 ms a page at
    100,000 learners, the pages together O(n²); with `also_on=("standing__pk",)`, 3 ms)."""
    also_on = tuple(also_on)
    after = 0
    while True:
        bounds = {f"{key}__gt": after for key in (field, *also_on)}
        page = list(queryset.filter(**bounds).order_by(field).values_list(field, flat=True)[:size])
        if not page:
            return
        yield page
        after = page[-1]
