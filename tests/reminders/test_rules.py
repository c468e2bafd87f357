"""The pure decision: which reminder a schedule, a cadence and the last activity call for."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from progress.schedule import COMPLETED, build_schedule
from reminders.rules import reminder_kind_for

MONDAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 30, 8, tzinfo=UTC)  # week 5


def kind(*, completed=(1, 2, 3, 4), cadence="weekly", idle_days=1, start=MONDAY, paused_on=None):
    schedule = build_schedule(
        start_date=start,
        pace=Decimal(1),
        today=NOW.date(),
        statuses=dict.fromkeys(completed, COMPLETED),
        paused_on=paused_on,
        total_weeks=52,
    )
    return reminder_kind_for(
        standing=schedule, cadence=cadence, last_active_at=NOW - timedelta(days=idle_days), now=NOW
    )


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        ({}, "weekly"),
        ({"completed": [1, 2]}, "behind"),
        ({"completed": [1, 2], "idle_days": 14}, "inactive"),
        ({"completed": [1, 2], "idle_days": 13}, "behind"),
        ({"idle_days": 30}, "inactive"),
        ({"cadence": "when_behind"}, None),
        ({"cadence": "when_behind", "completed": [1]}, "behind"),
        ({"cadence": "when_behind", "completed": [1], "idle_days": 20}, "inactive"),
        ({"cadence": "off", "completed": []}, None),
        ({"start": MONDAY + timedelta(weeks=5)}, None),
        ({"completed": [], "paused_on": MONDAY + timedelta(days=10)}, None),
        ({"completed": range(1, 53)}, None),
        ({"cadence": "nonsense"}, None),
        ({"completed": range(1, 9)}, "weekly"),  # ahead: this week's plan is the first open week's
    ],
)
def test_the_kind_of_reminder(situation, expected):
    assert kind(**situation) == expected
