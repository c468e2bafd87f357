"""`Instant`: a timestamp read as the same aware datetime as the column's own (reminder selection)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from lms.expressions import Instant
from progress.models import Standing
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
        datetime(2999, 1, 1, 12, 30, 0, 123_457, tzinfo=UTC),
    ],
)
def test_it_reads_what_the_column_reads(db, moment):
    user = UserFactory()
    user.last_login = moment
    user.save(update_fields=["last_login"])
    as_read = type(user).objects.filter(pk=user.pk).values_list("last_login", Instant("last_login")).get()
    assert as_read[1] == as_read[0] == moment
    assert as_read[1].utcoffset() == timedelta(0)


def test_null_is_none(db):
    user = UserFactory(last_login=None)
    assert type(user).objects.filter(pk=user.pk).values_list(Instant("last_login"), flat=True).get() is None


def test_it_is_one_bigint_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("elsewhere the column is read as it is")
    sql, _ = Standing.objects.values_list(Instant("refresh_due_at")).query.sql_with_params()
    assert "EXTRACT(EPOCH FROM" in sql
    assert "::bigint" in sql
