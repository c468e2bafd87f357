"""The selection and the whole batch run in a constant number of queries: 1 learner or 1,000."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db.models.signals import pre_init
from django.test import TestCase
from freezegun import freeze_time

from accounts.models import User
from curriculum.models import Week
from progress.models import Enrolment, ScheduleChange, Standing, WeekProgress
from progress.standings import standing_refresh
from reminders.selectors import reminders_due
from reminders.services import reminder_batch_enqueue
from tests.outbox import outbox_sent_here
from tests.reminders.conftest import RUN, START


def bulk_learners(count: int) -> list[int]:
    """`count` enrolments in week 5, alternately on track and behind; every tenth re-planned to week 3."""
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"bulk{n}", email=f"bulk{n}@example.com", password=password) for n in range(count)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(learner=user, start_date=START, last_activity_at=RUN, calendar_token=f"token-{user.pk}")
        for user in users
    )
    weeks = list(Week.objects.filter(number__lte=4).order_by("number"))
    WeekProgress.objects.bulk_create(
        WeekProgress(enrolment=enrolment, week=week, status="completed")
        for index, enrolment in enumerate(enrolments)
        for week in (weeks if index % 2 else weeks[:2])
    )
    ScheduleChange.objects.bulk_create(
        ScheduleChange(enrolment=enrolment, from_week=3, starts_on=RUN.date(), reason="replan")
        for enrolment in enrolments[::10]
    )
    ids = [enrolment.pk for enrolment in enrolments]
    standing_refresh(enrolment_ids=ids)  # written past the services: store their standings
    return ids


@pytest.mark.parametrize("count", [1, 1000])
@freeze_time(RUN)
def test_selecting_who_is_due_takes_two_queries(db, django_assert_num_queries, count):
    """The standings (who is due), then the enrolments, learners and standings of those due: what the
    e-mail says comes from the stored standing, no schedule is built."""
    ids = bulk_learners(count)
    with django_assert_num_queries(2):
        due = reminders_due(enrolment_ids=ids, as_of=RUN)
    assert len(due) == count
    assert {item.week for item in due} == ({3, 5} if count > 1 else {3})  # re-planned ones are in week 3


@freeze_time(RUN)
def test_selecting_builds_no_model_instances(db):
    """What the e-mails need is read as values: instances of 500 enrolments, learners and standings a
    batch were a fifth of a run's time."""
    ids = bulk_learners(50)
    built: list[type] = []

    def count(sender: type, **kwargs: object) -> None:
        built.append(sender)

    pre_init.connect(count)
    try:
        due = reminders_due(enrolment_ids=ids, as_of=RUN)
    finally:
        pre_init.disconnect(count)
    assert len(due) == 50
    assert built == []
    assert {item.greeting_name for item in due} == {"there"}  # no name given: User.greeting_name's rule


@pytest.mark.parametrize("count", [1, 1000])
def test_standings_out_of_date_are_computed_again_in_a_constant_number_of_queries(
    db, django_assert_num_queries, count
):
    """Standings stored a week before the run (their change has come, the refresh has not): each is
    computed again at the run (the curriculum, week statuses, schedule changes: three queries more)."""
    with freeze_time(RUN - timedelta(weeks=1)):
        ids = bulk_learners(count)
    with freeze_time(RUN), django_assert_num_queries(5):
        due = reminders_due(enrolment_ids=ids, as_of=RUN)
    assert len(due) == count
    assert {item.week for item in due} == ({3, 5} if count > 1 else {3})
    fresh = {item.enrolment_id: item.standing for item in due}
    with freeze_time(RUN):
        standing_refresh(enrolment_ids=ids)
    for stored in Standing.objects.filter(pk__in=ids):
        computed = fresh[stored.pk]
        assert (computed.current_week, computed.overdue_weeks, computed.current_starts_on) == (
            stored.current_week,
            stored.overdue_weeks,
            stored.current_starts_on,
        )


@pytest.mark.parametrize("count", [1, 1000])
@freeze_time(RUN)
def test_a_batch_takes_a_constant_number_of_queries_to_enqueue_and_to_send(
    db, django_assert_max_num_queries, count
):
    ids = bulk_learners(count)
    # 2 to select (the standings, then the enrolments and learners of those due), 1 for the
    # keys already notified, 1 for the curriculum, 2 for the quizzes and their submissions, 1 for the
    # review cards due, 1 for the learners' notice preferences, 1 to insert the notices, 1 to insert
    # into the outbox (RETURNING the new ids), the last two in one transaction (here a savepoint: 2);
    # then 2 to move the learners' next reminder time on (read their settings, one UPDATE per time)
    with django_assert_max_num_queries(14), TestCase.captureOnCommitCallbacks() as sending:
        result = reminder_batch_enqueue(enrolment_ids=ids, as_of=RUN)
    assert result.enqueued == count
    # each sending task of 500 (eager): the claim (one UPDATE of the rows a subquery locked, in a
    # savepoint), then one UPDATE per message, marking it sent once the mail server took it (at most one
    # message sent twice when a worker dies: notifications/README.md)
    tasks = -(-count // 500)
    with django_assert_max_num_queries(tasks * 3 + count), outbox_sent_here():
        for callback in sending:
            callback()
    assert len(mail.outbox) == count


@freeze_time(RUN)
def test_a_second_run_of_a_batch_builds_no_schedule_and_sends_nothing(db, django_assert_num_queries):
    ids = bulk_learners(1000)
    with TestCase.captureOnCommitCallbacks(execute=True), outbox_sent_here():
        assert reminder_batch_enqueue(enrolment_ids=ids, as_of=RUN).enqueued == 1000
    # Their next time has moved on to next week: the candidates (nobody is due) and the learners whose
    # time to move on (nobody): no keys, week statuses or schedule changes are read.
    with django_assert_num_queries(2):
        again = reminder_batch_enqueue(enrolment_ids=ids, as_of=RUN)
    assert (again.due, again.enqueued) == (0, 0)
    # A batch replayed from before that (its learners' time not moved on) finds every key sent.
    User.objects.filter(enrolments__in=ids).update(reminder_due_at=None)
    with django_assert_num_queries(4):  # + the keys already sent, the (nothing) moved on
        again = reminder_batch_enqueue(enrolment_ids=ids, as_of=RUN)
    assert (again.due, again.enqueued) == (1000, 0)
