"""Pagination helpers shared by the apps' views."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CountedPaginator(Paginator):
    """A paginator told its count: for a list whose rows are costly to build (joins, annotations, an
    order) while the number of them is a cheap query of its own."""

    def __init__(self, object_list: QuerySet[Any] | Sequence[Any], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count
