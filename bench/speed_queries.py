"""A reminder batch's queries of 1,000 ids or keys, with Django's `__in` and plain columns, and with the two
pieces issue 34 removed (`AnyOf`: the values as one array, `= ANY(%s)`; `Instant`: a timestamp read
as microseconds), copied here as they were in `lms/` so that the measurement stays repeatable.

    .venv/bin/python bench/speed_queries.py          # after bench/reminders.py -n 20000; 30 rounds
    .venv/bin/python bench/speed_queries.py 50

Prints each query's CPU time in this process (compiling the statement, binding its values, reading
the rows), fastest and median of the rounds, and the wall time (with PostgreSQL's part). The CPU part
is what the pieces changed; on a shared machine it is also the part that moves least.
"""

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from common import use_bench_database

URL = use_bench_database("lms_bench_reminders")


def pieces() -> tuple[type, type]:
    from django.db.models import DateTimeField, Func, Lookup

    class AnyOf(Lookup):  # type: ignore[type-arg]
        lookup_name = "any_of"
        prepare_rhs = False

        def get_prep_lookup(self) -> list[Any]:
            return list(self.rhs)

        def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
            lhs, lhs_params = self.process_lhs(compiler, connection)
            return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))

    epoch = datetime(1970, 1, 1, tzinfo=UTC)

    class InstantField(DateTimeField):  # type: ignore[type-arg]
        def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
            return epoch + timedelta(microseconds=value) if isinstance(value, int) else value

    class Instant(Func):
        arity = 1
        template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
        output_field = InstantField()

    return AnyOf, Instant


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    import django

    django.setup()
    from django.db.models import F

    from notifications.models import Notice
    from progress.models import Enrolment
    from reminders.selectors import CHOOSING_FIELDS, reminder_candidates

    AnyOf, Instant = pieces()
    ids = list(Enrolment.objects.order_by("id").values_list("id", flat=True)[:1000])
    keys = [f"reminder:{pk}:5:weekly" for pk in ids]
    instants = tuple(Instant(name) if name.endswith("_at") else name for name in CHOOSING_FIELDS)
    cases = {
        "choosing: id__in, plain columns": lambda: reminder_candidates()
        .filter(id__in=ids)
        .values_list(*CHOOSING_FIELDS),
        "choosing: AnyOf, plain columns": lambda: reminder_candidates()
        .filter(AnyOf(F("id"), ids))
        .values_list(*CHOOSING_FIELDS),
        "choosing: AnyOf, Instant": lambda: reminder_candidates()
        .filter(AnyOf(F("id"), ids))
        .values_list(*instants),
        "notice keys: key__in": lambda: Notice.objects.filter(key__in=keys).values_list("key", flat=True),
        "notice keys: AnyOf": lambda: Notice.objects.filter(AnyOf(F("key"), keys)).values_list(
            "key", flat=True
        ),
    }
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, query in cases.items():
            cpu, wall = time.process_time(), time.perf_counter()
            list(query())
            samples[name].append((time.process_time() - cpu, time.perf_counter() - wall))
    for name, measured in samples.items():
        cpus, walls = sorted(s[0] for s in measured), sorted(s[1] for s in measured)
        print(
            f"{name:34} CPU fastest {cpus[0] * 1000:6.2f} ms, median {cpus[len(cpus) // 2] * 1000:6.2f} ms;"
            f" wall fastest {walls[0] * 1000:6.2f} ms, median {walls[len(walls) // 2] * 1000:6.2f} ms"
        )
    print(f"{rounds} rounds, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
