"""Enrolling through a cohort: the cohort's start date, pace and time zone, through progress's own
service; a learner already enrolled joins with their dates; another cohort's learner is refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohorts.services import cohort_create, cohort_enrol
from progress import services as progress_services
from tests.cohorts.conftest import next_monday


def test_a_new_enrolment_follows_the_cohort(cohort, learner, mentor, staff):
    done = cohort_enrol(cohort=cohort, learner=learner, mentor=mentor, changed_by=staff)
    enrolment = done.enrolment
    assert done.created
    assert (enrolment.start_date, enrolment.pace, enrolment.timezone) == (
        cohort.start_date, Decimal("0.5"), "Europe/Paris",
    )  # fmt: skip
    assert enrolment.mentor == mentor
    assert enrolment.standing.state == "not_started"
    again = cohort_enrol(cohort=cohort, learner=learner, mentor=mentor, changed_by=staff)
    assert (again.created, again.changed, again.enrolment.pk) == (False, False, enrolment.pk)


def test_a_learner_enrolled_alone_joins_with_their_own_dates(cohort, learner, mentor, staff):
    own_start = timezone.now().date() - timedelta(days=14)
    mine = progress_services.enrolment_create(learner=learner, start_date=own_start)
    done = cohort_enrol(cohort=cohort, learner=learner, mentor=mentor, changed_by=staff)
    assert (done.created, done.changed) == (False, True)
    assert done.enrolment.pk == mine.pk
    mine.refresh_from_db()
    assert mine.start_date == own_start
    assert mine.mentor == mentor
    assert mine.cohort_membership.cohort == cohort


def test_another_cohorts_learner_is_refused(cohort, learner, mentor, staff):
    cohort_enrol(cohort=cohort, learner=learner, mentor=mentor, changed_by=staff)
    other = cohort_create(name="Other", start_date=next_monday())
    with pytest.raises(ValidationError, match="Already enrolled in the cohort"):
        cohort_enrol(cohort=other, learner=learner, mentor=None, changed_by=staff)


def test_a_mentor_must_be_a_mentor_and_not_the_learner(cohort, learner, other_learner, mentor, staff):
    with pytest.raises(ValidationError, match="not in the Mentors group"):
        cohort_enrol(cohort=cohort, learner=learner, mentor=other_learner, changed_by=staff)
    with pytest.raises(ValidationError, match="their own mentor"):
        cohort_enrol(cohort=cohort, learner=mentor, mentor=mentor, changed_by=staff)


def test_a_start_date_years_away_is_refused(learner, staff):
    old = cohort_create(name="Old", start_date=timezone.now().date() - timedelta(days=800))
    with pytest.raises(ValidationError, match="within a year"):
        cohort_enrol(cohort=old, learner=learner, mentor=None, changed_by=staff)
    assert not learner.enrolments.exists()
