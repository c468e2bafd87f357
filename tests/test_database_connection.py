"""The PostgreSQL connection's settings (lms.settings): what the pages' speed relies on."""

import pytest
from django.db import connection

from curriculum.models import Week

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connection options")


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_query_that_repeats_is_prepared_and_reused_with_new_parameters():
    """With server-side binding and a prepare threshold, the second run of a query prepares it on the
    connection: later runs skip PostgreSQL's parsing and planning. Django leaves this off by default."""
    weeks = Week.objects.order_by("-estimated_hours", "-summary")  # a shape no page reads
    found = [weeks.filter(number=number).values_list("topic", flat=True).first() for number in (1, 2, 3)]

    assert found == [Week.objects.get(number=number).topic for number in (1, 2, 3)]  # bound anew each run
    assert [
        statement
        for statement in _prepared_statements()
        if '"curriculum_week"."estimated_hours" DESC' in statement and "$1" in statement
    ]


@pytest.mark.django_db
def test_the_planner_costs_random_reads_as_on_ssd():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


@pytest.mark.django_db
def test_the_planner_costs_rows_as_in_a_cached_database():
    with connection.cursor() as cursor:
        cursor.execute("SHOW cpu_tuple_cost")
        assert cursor.fetchone()[0] == "0.03"
