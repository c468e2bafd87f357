"""The mentor table: a mentor's mentees (only theirs), filtered, sorted and paginated in SQL from the
stored rows (`progress.Standing`, `assessments.QuizRecord`, the mentee's flags): no schedule is
computed for a list."""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page
from django.db.models import (
    Count,
    F,
    QuerySet,
    Window,
)
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User, display_name_expression
from assessments.selectors import (
    QUIZ_AVERAGE,
    QUIZ_RECORD,
)
from cards.selectors import card_columns
from lms.pagination import CountedPaginator
from mentoring.flags import FLAG_CONDITIONS, flag_condition, flag_count, stored_project_waiting
from mentoring.rows import ROW_VALUES, MenteeRow, mentee_row
from mentoring.segments import Segment, segment_filter
from progress.models import Enrolment
from progress.scope import mentee_enrolments_for


def mentees_kept(
    *, user: User, flag: str | None, segment: Segment | None, now: datetime
) -> QuerySet[Enrolment]:
    """The user's mentees that `flag` and `segment` keep: the rows of the table, without its columns."""
    rows = mentee_enrolments_for(user=user)
    if segment is not None:
        rows = segment_filter(rows, user=user, segment=segment, now=now)
    return rows.filter(flag_condition(flag, now)) if flag in FLAG_CONDITIONS else rows


def mentee_count(
    *, user: User, flag: str | None = None, now: datetime | None = None, segment: Segment | None = None
) -> int:
    """How many rows `mentee_table` has for the same arguments, counted over the filtered enrolments
    alone: the table's joins and columns cost a page's count as much to build as the page itself."""
    rows = mentees_kept(user=user, flag=flag, segment=segment, now=now or timezone.now())
    return rows.select_related(None).count()


SORTS: dict[str, list[F | Lower]] = {
    "learner": [Lower(display_name_expression("learner__"))],
    "current_week": [F("standing__current_week")],
    "weeks_behind": [F("standing__weeks_behind")],
    "completion": [F("standing__completion_percent")],
    "last_activity": [F("last_activity_at")],
    "quiz_average": [F(QUIZ_AVERAGE)],
    "cards_due": [F("cards_due"), F("cards_retention")],
    "flags": [F("flag_count")],
}


SORT_KEYS = list(SORTS)


def _order_of(sort: str) -> tuple[str, list[Any]]:
    """The SORTS key `sort` names ("-" for descending; unknown values fall back to the default) and its
    ORDER BY expressions, ending with the id: rows without a value sort as lowest."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "flags", True
    order = [
        expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True)
        for expression in SORTS[key]
    ]
    return key, [*order, "id"]


def mentee_table(
    *,
    user: User,
    flag: str | None = None,
    sort: str = "-flags",
    now: datetime | None = None,
    segment: Segment | None = None,
) -> QuerySet[Enrolment]:
    """The mentor table's rows as one query: the user's mentees with standing, learner and quiz record
    joined, filtered by `flag` and by a workspace chart's `segment`, and ordered by `sort` (a SORT_KEYS
    key, "-" for descending; unknown values fall back to the default). Rows without a value sort as
    lowest. For every row at once (the CSV, the digest, the API, the workspace's counts); a page of the
    dashboard is `mentee_page`'s."""
    now = now or timezone.now()
    rows = (
        mentees_kept(user=user, flag=flag, segment=segment, now=now)
        .select_related(None)
        .select_related("learner", "standing", QUIZ_RECORD)
        .annotate(**card_columns(now=now), project_waiting=stored_project_waiting())
        .annotate(flag_count=flag_count(now))
    )
    return rows.order_by(*_order_of(sort)[1])


def _ordered_for_page(rows: QuerySet[Enrolment], *, sort: str, now: datetime) -> QuerySet[Enrolment]:
    """The kept rows (`mentees_kept`) in `mentee_table`'s order, for a page to cut (`mentee_page`): only
    what the order needs is joined or computed. PostgreSQL sorts every mentee to cut a page, so rows as
    wide as the table's (JSON columns, review-card counts per row) made the sort cost more than the page
    (9.4 ms against 4.4 ms for 500 mentees); `mentee_rows_by_id` reads the page's rows by key."""
    rows = rows.select_related(None)
    key, order = _order_of(sort)
    if key == "flags":
        rows = rows.annotate(flag_count=flag_count(now))
    elif key == "cards_due":
        columns = card_columns(now=now)
        rows = rows.annotate(cards_due=columns["cards_due"], cards_retention=columns["cards_retention"])
    return rows.order_by(*order)


_PAGE_NUMBER_MAX = 10**9


@dataclass(frozen=True)
class MenteePage:
    """A page of the mentor table: its rows and Django's `Page` (number, count, neighbours)."""

    rows: list["MenteeRow"]
    page: Page
    total: int


def mentee_page(
    *,
    user: User,
    number: object = 1,
    per_page: int = 25,
    flag: str | None = None,
    sort: str = "-flags",
    now: datetime | None = None,
    segment: Segment | None = None,
) -> MenteePage:
    """Page `number` of the table (as Django's `Paginator.get_page` reads it: not a number, the first;
    past the end, the last) in two queries: the page's ids with the number of rows (a window count over
    the ids the order sorts anyway), then the rows by key. A page past the end costs one count more."""
    now = now or timezone.now()
    kept = mentees_kept(user=user, flag=flag, segment=segment, now=now)
    ordered = _ordered_for_page(kept, sort=sort, now=now)
    counted = ordered.annotate(total=Window(Count("pk"))).values_list("id", "total")
    try:
        # At most a number whose offset PostgreSQL can read (a bigint): anything past the end is the last.
        wanted = min(max(1, int(str(number))), _PAGE_NUMBER_MAX)
    except ValueError:
        wanted = 1
    found = list(counted[(wanted - 1) * per_page : wanted * per_page])
    if found:
        total = found[0][1]
    else:
        total = mentee_count(user=user, flag=flag, segment=segment, now=now)
        last = max(1, math.ceil(total / per_page))
        if wanted > last and total:
            wanted = last
            found = list(counted[(wanted - 1) * per_page : wanted * per_page])
        else:
            wanted = min(wanted, last)
    paginator = CountedPaginator([], per_page, count=total)
    ids = [pk for pk, _ in found]
    rows = mentee_rows_by_id(enrolment_ids=ids, now=now)
    return MenteePage(rows=rows, page=Page(rows, wanted, paginator), total=total)


def mentee_rows_by_id(*, enrolment_ids: list[int], now: datetime | None = None) -> list["MenteeRow"]:
    """The table rows of these enrolments (a page `mentee_page` cut), in the order given: one query by
    key. The caller scopes the ids: `mentee_page` only gives a user's own mentees."""
    now = now or timezone.now()
    enrolments = Enrolment.objects.filter(pk__in=enrolment_ids).annotate(
        **card_columns(now=now), project_waiting=stored_project_waiting()
    )
    by_id = {row.enrolment.pk: row for row in mentee_rows_from(enrolments, now=now)}
    return [by_id[pk] for pk in enrolment_ids if pk in by_id]


def mentee_rows_from(rows: QuerySet[Enrolment], *, now: datetime) -> Iterator["MenteeRow"]:
    """The table rows of `rows` (`mentee_table`, or enrolments with its `card_columns` and
    `project_waiting` annotations), in their order, read as values (`ROW_VALUES`)."""
    for values in rows.values_list(*ROW_VALUES):
        yield mentee_row(values, now=now)


def mentee_rows(
    *, user: User, flag: str | None = None, sort: str = "-flags", now: datetime | None = None
) -> list[MenteeRow]:
    """Every row of the mentor table (the CSV, the digest); pages paginate `mentee_table` instead."""
    now = now or timezone.now()
    return list(mentee_rows_from(mentee_table(user=user, flag=flag, sort=sort, now=now), now=now))
