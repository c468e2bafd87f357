from datetime import date, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from progress.models import Enrolment
from progress.services import enrolment_create
from progress.standings import standing_refresh
from tests.factories import UserFactory

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.fixture
def frozen_today():
    with freeze_time("2026-11-24 12:00:00"):
        yield TODAY


def enrol(learner, *, mentor, start: date, active_days_ago: int | None = 0) -> Enrolment:
    with freeze_time(start):
        enrolment = enrolment_create(learner=learner, start_date=start)
    enrolment.mentor = mentor
    enrolment.last_activity_at = (
        None if active_days_ago is None else timezone.now() - timedelta(days=active_days_ago)
    )
    enrolment.save()
    standing_refresh(enrolment_ids=[enrolment.pk])  # as the periodic refresh would have by now
    return enrolment


@pytest.fixture
def mentee(learner, mentor, frozen_today):
    """The learner, enrolled this week with the mentor: on track."""
    return enrol(learner, mentor=mentor, start=date(2026, 11, 23))


@pytest.fixture
def other_mentee(other_mentor, frozen_today):
    return enrol(UserFactory(username="someone_else"), mentor=other_mentor, start=date(2026, 11, 23))


def quiz_of_week(number: int):
    """The week's starter quiz (from the fixture), or a published one made for the test."""
    from assessments.models import Quiz
    from curriculum.models import Week

    quiz = Quiz.objects.filter(week__number=number, is_published=True).first()
    return quiz or Quiz.objects.create(
        week=Week.objects.get(number=number), title=f"Week {number} quiz", is_published=True
    )
