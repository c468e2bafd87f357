from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cohorts.services import cohort_create


def next_monday():
    today = timezone.now().date()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def cohort(mentor):
    return cohort_create(
        name="Spring 2027", start_date=next_monday(), pace=Decimal("0.5"), timezone_name="Europe/Paris",
        mentors=[mentor],
    )  # fmt: skip
