"""Switch off, in this process only, the speed-only pieces of the weekly reminder run (issue 34):
`bench/reminders.py --without PIECE` measures the run without one (or several) of them, each replaced
by what the plain ORM or Django's own API does in its place. The product is not changed. (Removed
from the product since, after this A/B: `lms.expressions.Instant`, `lms.lookups.AnyOf`: BENCHMARKS.md.)

    collector    `lms.collector.fewer_collections` → Python's own collector thresholds
    messages     `notifications.messages.OutboxMessage` → Django's `EmailMultiAlternatives`
    bulk_insert  `notifications.bulk_insert.insert_new_rows` (INSERT … unnest on a binary cursor) →
                 `bulk_create(ignore_conflicts=True)` and one query of the new rows' ids
"""

from typing import Any

PIECES = ("collector", "messages", "bulk_insert")


def switch_off(pieces: list[str]) -> None:
    for piece in pieces:
        if piece not in PIECES:
            raise SystemExit(f"unknown piece {piece!r}: one of {', '.join(PIECES)}")
        globals()[f"_without_{piece}"]()


def _without_collector() -> None:
    from lms import collector

    collector.BULK_YOUNG_THRESHOLD = 0  # max(young, 0): the thresholds stay Python's


def _without_messages() -> None:
    from django.core.mail import EmailMultiAlternatives

    from notifications import outbox

    outbox.OutboxMessage = EmailMultiAlternatives  # type: ignore[misc,assignment]


def _without_bulk_insert() -> None:
    import json

    from notifications import services

    def insert_new_rows(model: Any, *, columns: Any, fixed: Any) -> list[tuple[int, str]]:
        names = list(columns)
        values = [[json.loads(v) for v in vs] if kind == "jsonb" else vs for kind, vs in columns.values()]
        rows = [model(**dict(zip(names, row, strict=True)), **fixed) for row in zip(*values, strict=True)]
        keys = [row.key for row in rows]
        existing = set(model.objects.filter(key__in=keys).values_list("key", flat=True))
        model.objects.bulk_create([row for row in rows if row.key not in existing], ignore_conflicts=True)
        new = [key for key in keys if key not in existing]
        mine = {"claimed_at": fixed["claimed_at"]} if "claimed_at" in fixed else {}
        return sorted(model.objects.filter(key__in=new, **mine).values_list("id", "key"))

    services.insert_new_rows = insert_new_rows  # type: ignore[assignment]
