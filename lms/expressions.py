"""`Instant("last_activity_at")` in `values_list()`: a timestamp read as the same aware datetime, for
less. On PostgreSQL it is sent as microseconds since the epoch (a bigint, which psycopg reads in C)
and made a UTC datetime here; Django's own timestamptz loader parses the text in Python (~4 µs a
value: of a reminder batch's 500 candidates, their two timestamps were half of reading them).
Elsewhere (SQLite) the column is read as usual.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import DateTimeField, Func

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InstantField(DateTimeField):  # type: ignore[type-arg]
    """A DateTimeField (the backend's converters of one apply) whose value may come as microseconds."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, int):
            return EPOCH + timedelta(microseconds=value)
        return value


class Instant(Func):
    arity = 1
    template = "%(expressions)s"  # the column as it is (SQLite)
    output_field = InstantField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # EXTRACT gives an exact numeric (PostgreSQL 14+): the microseconds are those stored.
        template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
        return self.as_sql(compiler, connection, template=template, **extra_context)
