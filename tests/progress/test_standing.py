"""Stored standings: every write keeps them true, and so does the passing of time with the periodic refresh.

The property test applies random sequences of what learners, staff and the clock do, and after each
step compares every stored row with a fresh computation of the learner's schedule.
"""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curriculum.models import Phase, Week
from progress.models import Enrolment, ScheduleChange, Standing
from progress.selectors import schedule_for
from progress.services import (
    enrolment_create,
    enrolment_leave,
    enrolment_pace_change,
    enrolment_pause,
    enrolment_resume,
    enrolment_save_by_staff,
    enrolment_update_settings,
    schedule_replan,
    week_progress_set,
)
from progress.standings import standings_refresh_due
from progress.tasks import refresh_due_standings
from tests.factories import UserFactory

START = datetime(2026, 11, 2, 9, 0)  # a Monday


def assert_stored_standing_is_fresh(enrolment: Enrolment) -> None:
    enrolment.refresh_from_db()
    stored = Standing.objects.get(pk=enrolment.pk)
    schedule = schedule_for(enrolment)
    assert (
        stored.state, stored.planned_week, stored.current_week, stored.weeks_behind, stored.weeks_ahead,
        stored.weeks_completed, stored.total_weeks, stored.changes_on,
    ) == (
        schedule.state, schedule.planned_week, schedule.current_week, schedule.weeks_behind,
        schedule.weeks_ahead, schedule.completed_count, len(schedule.weeks), schedule.changes_on,
    )  # fmt: skip
    assert stored.completion_percent == round(100 * schedule.completed_count / len(schedule.weeks))
    current = schedule.week(schedule.current_week) if schedule.current_week else None
    first_open = schedule.first_uncompleted
    assert (
        stored.first_open_week,
        stored.overdue_weeks,
        stored.current_starts_on,
        stored.current_ends_on,
    ) == (
        first_open.number if first_open else None,
        [week.number for week in schedule.overdue],
        current.starts_on if current else None,
        current.ends_on if current else None,
    )


operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("mark"), st.integers(1, 52), st.sampled_from(["completed", "in_progress", "not_started"])
        ),
        st.tuples(st.just("mark_many"), st.integers(1, 30)),
        st.tuples(st.just("replan")),
        st.tuples(st.just("pause")),
        st.tuples(st.just("resume")),
        st.tuples(
            st.just("timezone"),
            st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Honolulu", "Asia/Kolkata"]),
        ),
        st.tuples(st.just("staff_edit"), st.sampled_from(["0.5", "1", "2"]), st.integers(-20, 20)),
        st.tuples(st.just("pace"), st.sampled_from(["0.5", "0.75", "1", "1.5", "2"])),
        st.tuples(st.just("leave")),
        st.tuples(st.just("time"), st.integers(1, 40), st.integers(0, 23)),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_stored_standings_equal_a_fresh_computation_after_any_sequence(staff, steps):
    weeks = {week.number: week for week in Week.objects.all()}
    with freeze_time(START) as clock, transaction.atomic():
        learner = UserFactory()
        enrolment = enrolment_create(learner=learner, start_date=START.date())
        assert_stored_standing_is_fresh(enrolment)
        for step in steps:
            enrolment.refresh_from_db()
            try:
                match step:
                    case ("mark", number, status):
                        week_progress_set(enrolment=enrolment, week=weeks[number], status=status)
                    case ("mark_many", count):
                        for number in range(1, count + 1):
                            week_progress_set(enrolment=enrolment, week=weeks[number], status="completed")
                    case ("replan",):
                        schedule_replan(enrolment=enrolment, changed_by=learner)
                    case ("pause",):
                        enrolment_pause(enrolment=enrolment)
                    case ("resume",):
                        enrolment_resume(enrolment=enrolment, changed_by=learner)
                    case ("timezone", zone):
                        enrolment_update_settings(
                            enrolment=enrolment,
                            timezone_name=zone,
                            reminder_cadence=enrolment.reminder_cadence,
                        )
                    case ("staff_edit", pace, days):
                        enrolment.pace = Decimal(pace)
                        enrolment.start_date += timedelta(days=days)
                        enrolment_save_by_staff(enrolment=enrolment, changed_by=staff)
                    case ("pace", pace):
                        enrolment_pace_change(enrolment=enrolment, pace=Decimal(pace), changed_by=learner)
                    case ("leave",):
                        enrolment_leave(enrolment=enrolment)
                    case ("time", days, hours):
                        clock.tick(timedelta(days=days, hours=hours))
                        standings_refresh_due()  # what the quarter-hourly beat task does
            except ValidationError:  # refused (e.g. resume when not paused): it must have changed nothing
                pass
            assert_stored_standing_is_fresh(enrolment)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_standing_goes_stale_only_when_its_date_comes_and_the_periodic_task_renews_it(learner):
    with freeze_time("2026-11-02 09:00"):
        enrolment = enrolment_create(learner=learner, start_date=date(2026, 11, 2))
    standing = Standing.objects.get(pk=enrolment.pk)
    assert (standing.planned_week, standing.changes_on) == (1, date(2026, 11, 9))
    with freeze_time("2026-11-08 23:59"):
        assert refresh_due_standings() == 0
    with freeze_time("2026-11-09 00:01"):
        assert refresh_due_standings() == 1
        assert refresh_due_standings() == 0  # a second run (a duplicated beat) finds nothing
    standing.refresh_from_db()
    assert (standing.planned_week, standing.weeks_behind, standing.state) == (2, 1, "behind")


@pytest.mark.django_db
def test_the_refresh_happens_at_the_learners_own_midnight(learner):
    with freeze_time("2026-11-02 09:00"):
        enrolment = enrolment_create(
            learner=learner, start_date=date(2026, 11, 2), timezone_name="Asia/Kolkata"
        )
    standing = Standing.objects.get(pk=enrolment.pk)
    assert standing.refresh_due_at == datetime.fromisoformat("2026-11-08T18:30:00+00:00")  # 00:00 IST
    with freeze_time("2026-11-08 18:31"):
        assert standings_refresh_due() == 1


def test_the_refresh_is_a_beat_row_staff_can_edit(db):
    task = PeriodicTask.objects.get(task="progress.tasks.refresh_due_standings")
    assert task.enabled
    assert task.crontab.minute == "*/15"


@pytest.mark.django_db
def test_the_rebuild_command_repairs_every_row(learner):
    enrolment = enrolment_create(learner=learner, start_date=date.today())
    Standing.objects.filter(pk=enrolment.pk).update(state="completed", weeks_behind=9)
    call_command("rebuild_standings", inline=True, stdout=io.StringIO())
    assert_stored_standing_is_fresh(enrolment)


@pytest.mark.django_db
def test_a_new_curriculum_week_rebuilds_every_standing(
    learner, celery_eager, django_capture_on_commit_callbacks
):
    enrolment = enrolment_create(learner=learner, start_date=date.today())
    with django_capture_on_commit_callbacks(execute=True):
        Week.objects.create(
            number=53, phase=Phase.objects.order_by("number").last(), topic="Extra", focus_area="Extra"
        )
    assert Standing.objects.get(pk=enrolment.pk).total_weeks == 53
    assert_stored_standing_is_fresh(enrolment)


@pytest.mark.django_db
def test_staff_resuming_in_admin_records_the_shift_like_the_learner_would(client, staff, learner):
    with freeze_time("2026-11-02 09:00"):
        enrolment = enrolment_create(learner=learner, start_date=date(2026, 11, 2))
    with freeze_time("2026-11-04 09:00"):
        enrolment_pause(enrolment=enrolment)
    with freeze_time("2026-11-18 09:00"):
        client.force_login(staff)
        url = reverse("admin:progress_enrolment_change", args=[enrolment.pk])
        form = client.get(url).context["adminform"].form
        data = {name: value for name, value in form.initial.items() if value is not None}
        data |= {
            "learner": learner.pk, "start_date": "2026-11-02", "pace": "1", "timezone": "UTC",
            "status": "active", "reminder_cadence": "weekly",
            "schedule_changes-TOTAL_FORMS": "0", "schedule_changes-INITIAL_FORMS": "0",
        }  # fmt: skip
        data.pop("mentor", None)
        data.pop("paused_on", None)
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.paused_on) == ("active", None)
    change = ScheduleChange.objects.get(enrolment=enrolment)
    assert (change.reason, change.from_week, change.starts_on, change.changed_by) == (
        "resume",
        1,
        date(2026, 11, 16),
        staff,
    )
    with freeze_time("2026-11-18 09:00"):
        assert_stored_standing_is_fresh(enrolment)
    assert site.is_registered(Enrolment)


@pytest.mark.django_db
def test_a_learner_who_left_then_moved_to_a_time_zone_behind_is_refreshed_until_their_leaving_day():
    """Found by the property test: left on Monday 2 November (UTC), then moved to Honolulu, where it is
    still Sunday: week 1 starts on their Monday, the day they left, and the stored standing follows."""
    with freeze_time(START):
        enrolment = enrolment_create(learner=UserFactory(), start_date=START.date())
        enrolment_leave(enrolment=enrolment)
        enrolment.refresh_from_db()
        enrolment_update_settings(
            enrolment=enrolment, timezone_name="Pacific/Honolulu", reminder_cadence=enrolment.reminder_cadence
        )
        standing = Standing.objects.get(pk=enrolment.pk)
        assert (standing.planned_week, standing.changes_on) == (None, date(2026, 11, 2))
        assert_stored_standing_is_fresh(enrolment)
    with freeze_time("2026-11-02 10:01"):  # Monday 00:01 in Honolulu
        assert standings_refresh_due() == 1
        standing.refresh_from_db()
        assert (standing.planned_week, standing.changes_on) == (1, None)  # standing still from now on
        assert_stored_standing_is_fresh(enrolment)
