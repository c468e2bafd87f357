"""Child rows read with their parent: a subquery's rows as one JSON array in the parent's row, so that a
page reads both in one round trip where a prefetch makes two (PostgreSQL and SQLite), and made into
model instances with the values the ORM would have read."""

import json
from collections.abc import Iterable
from datetime import UTC
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Model, QuerySet, Subquery
from django.utils import timezone

ModelT = TypeVar("ModelT", bound=Model)


class _ExactDecimals(json.JSONDecoder):
    """JSON numbers with a fraction as Decimal (a DecimalField's 0.50 stays 0.50, never a float)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parse_float=Decimal, **kwargs)


class JSONRows(Subquery):
    """The rows of `queryset` (filtered on an OuterRef) as a JSON array of objects holding `fields`
    (attribute names: `week_id`, not `week`), `[]` when there are none; `instances_from` makes them
    model instances. The array is not in the queryset's order: sort what it makes."""

    # Each row as an object keyed by its column names: the plain SELECT of `fields` compiles fastest.
    template = "(SELECT COALESCE(JSONB_AGG(TO_JSONB(_rows)), '[]') FROM (%(subquery)s) _rows)"
    output_field = models.JSONField(decoder=_ExactDecimals)

    def __init__(self, queryset: QuerySet[Any], *fields: str) -> None:
        super().__init__(queryset.order_by().values(*fields))
        self.model, self.fields = queryset.model, fields

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        # SQLite has no TO_JSONB of a row: an object of the named columns (a JSON column's text as JSON).
        columns = []
        for name in self.fields:
            column = f"_rows.{connection.ops.quote_name(name)}"
            if isinstance(self.model._meta.get_field(name), models.JSONField):
                column = f"JSON({column})"
            columns.append(f"'{name}', {column}")
        template = f"(SELECT JSON_GROUP_ARRAY(JSON_OBJECT({', '.join(columns)})) FROM (%(subquery)s) _rows)"
        return self.as_sql(compiler, connection, template=template, **extra_context)  # type: ignore[call-arg]


def _read(field: "models.Field[Any, Any]", value: Any) -> Any:
    """A value of `field` from JSON as the ORM reads it from its column."""
    value = field.to_python(value)  # dates and times from their ISO text; JSON as it is
    if value is None:
        return None
    if isinstance(field, models.DateTimeField) and settings.USE_TZ and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)  # SQLite's text holds UTC without an offset
    if isinstance(field, models.DecimalField):
        return value.quantize(Decimal(1).scaleb(-field.decimal_places))  # 0.5 (SQLite) as 0.50
    return value


def instances_from(model: type[ModelT], rows: Iterable[dict[str, Any]] | None) -> list[ModelT]:
    """`model` instances of the objects a `JSONRows` read, as if read from the database (no query; the
    fields not read deferred)."""
    instances = []
    for row in rows or ():
        # `from_db` takes the values in the model's field order; a JSON object keeps no order.
        fields = [field for field in model._meta.concrete_fields if field.attname in row]
        values = [_read(field, row[field.attname]) for field in fields]
        instances.append(model.from_db(model._default_manager.db, [f.attname for f in fields], values))
    return instances
