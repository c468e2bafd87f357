"""PostgreSQL's one-statement insert of a batch of outbox rows or notices (INSERT … SELECT FROM unnest
… ON CONFLICT DO NOTHING RETURNING), used by `notifications.services` for batches (reminders: 100,000
learners a week). Speed-only: BENCHMARKS.md records the target it keeps."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection

from notifications.models import Email, Notice


def array_columns(
    rows: Sequence[Mapping[str, Any]], names: Sequence[str]
) -> dict[str, tuple[str, list[Any]]]:
    """Each named field of `rows` (the drafts' `values()`: no model instances, 500 a batch) as one
    array column for `insert_new_rows`: the recipient's id as bigint, whether it holds a secret as
    boolean, the others (the outbox's and the notices' text fields) as text."""
    return {name: (ARRAY_TYPES.get(name, "text"), [row[name] for row in rows]) for name in names}


ARRAY_TYPES = {"recipient_id": "bigint", "holds_secret": "boolean"}


def insert_new_rows(
    model: type[Email] | type[Notice],
    *,
    columns: Mapping[str, tuple[str, list[Any]]],
    fixed: Mapping[str, Any],
) -> list[tuple[int, str]]:
    """PostgreSQL: INSERT … SELECT FROM unnest(one array per column) ON CONFLICT (key) DO NOTHING
    RETURNING id, key; the rows inserted, in id order. `columns`: column → (SQL type, one value per
    row; "jsonb" values as JSON text); `fixed`: column → the value of every row.

    A statement with one parameter per column instead of one per value (bulk_create's): it tells which
    rows are new without another query, and its arrays go in binary, apart from the SQL text."""
    quote = connection.ops.quote_name
    names = [*columns, *fixed]
    element = {"jsonb": "text"}  # JSON goes as text and is cast in the SELECT
    unnest = ", ".join(f"%b::{element.get(kind, kind)}[]" for kind, _ in columns.values())
    selected = ", ".join(
        f"u.c{n}::jsonb" if kind == "jsonb" else f"u.c{n}" for n, (kind, _) in enumerate(columns.values())
    )
    aliases = ", ".join(f"c{n}" for n in range(len(columns)))
    constants = ", ".join("%s" for _ in fixed)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(name) for name in names)})"
        f" SELECT {selected}, {constants} FROM unnest({unnest}) AS u({aliases})"
        f" ON CONFLICT ({quote('key')}) DO NOTHING RETURNING id, {quote('key')}"
    )
    with server_binding_cursor() as cursor:
        # The SELECT's constants come before the FROM's arrays in the statement, so in the parameters.
        cursor.execute(sql, [*fixed.values(), *(values for _, values in columns.values())])
        return sorted(cursor.fetchall())


def server_binding_cursor() -> Any:
    """A cursor on the current connection (its transaction; Django's query logging and wrappers) that
    sends the parameters apart from the statement, the `%b` ones in binary. Django's cursors bind on
    the client, quoting every value into the SQL text: for the arrays of 500 e-mails' bodies that
    quoting took longer than the INSERT (a batch's arrays: 64 ms quoted, 10 ms in binary)."""
    import psycopg

    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)
    # (django-stubs type the argument as Django's wrapper; Django passes the driver's cursor, as here)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)  # type: ignore[arg-type]
    return connection.make_cursor(cursor)  # type: ignore[arg-type]
