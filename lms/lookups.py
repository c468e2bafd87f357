"""`AnyOf(F("id"), ids)` in `filter()`: a column is one of many values, sent as one array parameter.

`id__in=ids` writes one placeholder per value: for the 500 ids or keys of a reminder batch, quoting
them into the statement and psycopg's parsing of a statement that long (too long for its cache, so
parsed again each time) cost more than PostgreSQL took to run it. On PostgreSQL this is
`"id" = ANY(%s)` with the list as one array (the same plan: an index scan); elsewhere (SQLite) `IN`.
The values are given as the column stores them (ints for ids, str for keys): they are not converted.
"""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        if not values:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)
