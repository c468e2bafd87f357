"""Real threads on PostgreSQL: two writes to one enrolment's flags at once store the state after both."""

import threading
import time

import pytest
from django.db import connection, transaction

from assessments.models import Submission
from assessments.records import quiz_record_refresh
from mentoring.flags import mentee_flags_computed
from mentoring.models import MenteeFlags
from tests.factories import MentorFactory, UserFactory
from tests.mentoring.conftest import quiz_of_week
from tests.projects.conftest import enrol_with, submit


@pytest.mark.django_db(transaction=True)
def test_a_write_waits_for_the_other_and_stores_both_changes(pg):
    """A failed quiz (its refresh holds the enrolment until its transaction commits) and a project
    submitted meanwhile: the submission waits, then its refresh counts both. Computed without the lock,
    the two deadlocked (the second's upsert waited for the first's row, whose commit waited for the
    second's lock of the enrolment), or the later one stored its own change alone."""
    learner = UserFactory()
    enrolment = enrol_with(learner, MentorFactory())
    quiz = quiz_of_week(1)
    holding, release, errors = threading.Event(), threading.Event(), []

    def fail_a_quiz_and_hold() -> None:
        try:
            with transaction.atomic():
                Submission.objects.create(
                    learner=learner, quiz=quiz, enrolment=enrolment, attempt_number=1, status="graded",
                    percent=10, passed=False,
                )  # fmt: skip
                quiz_record_refresh(learner_ids=[learner.pk])  # refreshes the flags: the enrolment is locked
                holding.set()
                release.wait(10)
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            connection.close()

    def submit_a_project() -> None:
        try:
            submit(learner)
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=fail_a_quiz_and_hold)
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=submit_a_project)
    second.start()
    time.sleep(0.5)
    assert second.is_alive(), "the submission did not wait for the enrolment the first refresh holds"
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    row = MenteeFlags.objects.get(pk=enrolment.pk)
    assert (row.failed_quiz, row.pending_review, row.project_waiting, row.count) == (True, False, True, 2)
    assert mentee_flags_computed(enrolment_ids=[enrolment.pk]) == [(enrolment.pk, True, False, True)]
