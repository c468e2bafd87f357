"""`AnyOf`: a column among many values, as one array parameter (reminder batches: 500 ids or keys)."""

import pytest
from django.db import connection
from django.db.models import F

from lms.lookups import AnyOf
from notifications.models import Email
from tests.factories import UserFactory


@pytest.fixture
def emails(db):
    user = UserFactory()
    return [
        Email.objects.create(recipient=user, to=user.email, kind="test", key=f"k:{n}", subject="Hi", text="x")
        for n in range(5)
    ]


def test_it_finds_what_in_finds(emails):
    ids = [email.pk for email in emails[:3]] + [10**9]
    keys = ["k:1", "k:4", "absent"]
    assert sorted(Email.objects.filter(AnyOf(F("id"), ids)).values_list("id", flat=True)) == sorted(
        Email.objects.filter(id__in=ids).values_list("id", flat=True)
    )
    assert set(Email.objects.filter(AnyOf(F("key"), keys)).values_list("key", flat=True)) == {"k:1", "k:4"}
    assert not Email.objects.filter(AnyOf(F("id"), [])).exists()


def test_the_values_are_one_parameter(emails):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's = ANY(array); elsewhere IN")
    ids = list(range(1, 501))
    sql, params = Email.objects.filter(AnyOf(F("id"), ids)).values_list("id").query.sql_with_params()
    assert '"id" = ANY(%s)' in sql
    assert list(params) == [ids]
