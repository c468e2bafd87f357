"""Each standing rule's SQL condition and its Python twin agree, on rows hypothesis generates
(progress.predicates; cards' "due before" is checked in tests/cards/test_due_rule.py)."""

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.timezones import canonical_timezones
from progress import predicates
from progress.models import Enrolment, Standing
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_emails = count()


def _enrolments(rows: list[tuple[int, timedelta]]) -> list[Enrolment]:
    """One enrolment (with its standing) per (weeks behind, time since the last activity)."""
    made = []
    for weeks_behind, idle in rows:
        learner = UserFactory(email=f"predicate-{next(_emails)}@example.com")
        enrolment = Enrolment.objects.create(
            learner=learner, start_date=date(2026, 9, 7), last_activity_at=NOW - idle
        )
        Standing.objects.update_or_create(
            enrolment=enrolment, defaults={"state": Standing.State.BEHIND, "weeks_behind": weeks_behind}
        )
        made.append(enrolment)
    return made


ROWS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=8),
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
    ),
    min_size=1,
    max_size=12,
)


@EXAMPLES
@given(rows=ROWS)
def test_behind_and_inactive_agree_with_their_twins(rows: list[tuple[int, timedelta]]) -> None:
    enrolments = _enrolments(rows)
    ids = [enrolment.pk for enrolment in enrolments]
    in_sql = Enrolment.objects.filter(pk__in=ids)
    behind_sql = set(in_sql.filter(predicates.behind()).values_list("pk", flat=True))
    inactive_sql = set(in_sql.filter(predicates.inactive(now=NOW)).values_list("pk", flat=True))
    assert behind_sql == {
        e.pk for e in enrolments if predicates.is_behind(weeks_behind=e.standing.weeks_behind)
    }
    assert inactive_sql == {
        e.pk for e in enrolments if predicates.is_inactive(last_activity_at=e.last_activity_at, now=NOW)
    }
    for weeks in range(4):
        for or_more in (False, True):
            sql = set(
                in_sql.filter(predicates.behind_by(weeks, or_more=or_more)).values_list("pk", flat=True)
            )
            python = {
                e.pk
                for e in enrolments
                if predicates.is_behind_by(weeks, weeks_behind=e.standing.weeks_behind, or_more=or_more)
            }
            assert sql == python
    # From the standing's side (prefix to the enrolment) the same rows.
    standings = Standing.objects.filter(enrolment_id__in=ids)
    assert set(standings.filter(predicates.behind(prefix="")).values_list("pk", flat=True)) == behind_sql
    assert (
        set(standings.filter(predicates.inactive(now=NOW, prefix="enrolment__")).values_list("pk", flat=True))
        == inactive_sql
    )
    Enrolment.objects.filter(pk__in=ids).delete()


def test_the_inactive_threshold_is_inclusive() -> None:
    exactly = NOW - predicates.INACTIVE_AFTER
    assert predicates.is_inactive(last_activity_at=exactly, now=NOW)
    [enrolment] = _enrolments([(0, predicates.INACTIVE_AFTER)])
    assert Enrolment.objects.filter(predicates.inactive(now=NOW), pk=enrolment.pk).exists()
    assert not predicates.is_inactive(last_activity_at=exactly + timedelta(seconds=1), now=NOW)


@EXAMPLES
@given(
    now=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(canonical_timezones()),
)
def test_next_midnight_in_sql_is_its_twins(now: datetime, zone: str) -> None:
    """On PostgreSQL, as the suite runs (SQLite, for development only, takes UTC's midnight)."""
    learner = UserFactory(email=f"midnight-{next(_emails)}@example.com")
    enrolment = Enrolment.objects.create(learner=learner, start_date=date(2026, 9, 7), timezone=zone)
    [midnight] = (
        Enrolment.objects.filter(pk=enrolment.pk)
        .annotate(midnight=predicates.NextMidnight(now, "timezone"))
        .values_list("midnight", flat=True)
    )
    assert midnight == predicates.next_midnight(now=now, zone=zone)
    enrolment.delete()
