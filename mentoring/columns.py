"""The mentor table's columns: each one's header, the order a click on it asks for, and how the sort
select (what phones use: the headers are hidden there) names each order, in the reader's language."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    first: str
    """The order a first click asks for: "" ascending or "-" descending."""
    ascending: str | Promise
    descending: str | Promise
    """How the sort select names each order."""


COLUMNS = [
    Column("learner", _("Learner"), "", _("Learner, A to Z"), _("Learner, Z to A")),
    Column("current_week", _("Week"), "", _("Week, earliest first"), _("Week, furthest first")),
    Column("weeks_behind", _("Behind"), "-", _("Behind, least first"), _("Behind, most first")),
    Column("completion", _("Completed"), "-", _("Completed, least first"), _("Completed, most first")),
    Column(
        "last_activity",
        _("Last activity"),
        "",
        _("Last activity, longest ago first"),
        _("Last activity, latest first"),
    ),
    Column(
        "quiz_average", _("Quizzes"), "", _("Quiz average, lowest first"), _("Quiz average, highest first")
    ),
    Column("cards_due", _("Review"), "-", _("Cards due, fewest first"), _("Cards due, most first")),
    Column("flags", _("Flags"), "-", _("Flags, fewest first"), _("Flags, most first")),
]


@dataclass(frozen=True)
class SortHeader:
    label: str | Promise
    link_sort: str
    """What clicking the header asks for: the other order when the table is sorted by it."""
    aria_sort: str | None
    """"ascending" or "descending" on the column the table is sorted by."""


def sort_headers(sort: str) -> list[SortHeader]:
    headers = []
    for column in COLUMNS:
        if sort == column.key:
            headers.append(SortHeader(column.label, f"-{column.key}", "ascending"))
        elif sort == f"-{column.key}":
            headers.append(SortHeader(column.label, column.key, "descending"))
        else:
            headers.append(SortHeader(column.label, column.first + column.key, None))
    return headers


def sort_choices() -> list[tuple[str, str | Promise]]:
    """Every order as an option of the sort select (what phones use: the header is hidden there)."""
    return [
        choice
        for column in COLUMNS
        for choice in ((f"-{column.key}", column.descending), (column.key, column.ascending))
    ]
