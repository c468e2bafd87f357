"""Writes to enrolments and progress. Every entry point (pages, API, admin actions) calls these."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from curriculum.models import Week
from progress.models import Enrolment, ScheduleChange, WeekProgress, new_calendar_token
from progress.schedule import same_weekday_on_or_before
from progress.selectors import CURRENT_STATUSES, schedule_for, today_for

EARLIEST_START = timedelta(days=366)
LATEST_START = timedelta(days=366)


def activity_touch(*, learner: User) -> None:
    """Record that the learner did something (marked progress, submitted a quiz) just now."""
    Enrolment.objects.filter(learner=learner, status__in=CURRENT_STATUSES).update(
        last_activity_at=timezone.now()
    )


def enrolment_create(
    *, learner: User, start_date: date, pace: Decimal = Decimal("1"), timezone_name: str = "UTC"
) -> Enrolment:
    """Enrol a learner. Start dates more than a year away (either way) are refused as typos."""
    today = timezone.now().date()
    if not today - EARLIEST_START <= start_date <= today + LATEST_START:
        raise ValidationError({"start_date": "Choose a start date within a year of today."})
    enrolment = Enrolment(learner=learner, start_date=start_date, pace=pace, timezone=timezone_name)
    enrolment.full_clean()
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:  # a concurrent enrolment won the race past full_clean
        raise ValidationError("You are already enrolled.") from error
    return enrolment


def enrolment_update_settings(
    *, enrolment: Enrolment, timezone_name: str, reminder_cadence: str
) -> Enrolment:
    enrolment.timezone = timezone_name
    enrolment.reminder_cadence = reminder_cadence
    enrolment.full_clean()
    enrolment.save(update_fields=["timezone", "reminder_cadence"])
    return enrolment


def week_progress_set(
    *, enrolment: Enrolment, week: Week, status: str, notes: str | None = None
) -> WeekProgress:
    """Set a week's status (and notes); keeps started_at/completed_at consistent with the status."""
    if status not in WeekProgress.Status.values:
        raise ValidationError({"status": f"“{status}” is not a valid status."})
    now = timezone.now()
    with transaction.atomic():
        progress, _ = WeekProgress.objects.select_for_update().get_or_create(enrolment=enrolment, week=week)
        progress.status = status
        if status != WeekProgress.Status.NOT_STARTED and progress.started_at is None:
            progress.started_at = now
        if status == WeekProgress.Status.NOT_STARTED:
            progress.started_at = None
        progress.completed_at = (
            (progress.completed_at or now) if status == WeekProgress.Status.COMPLETED else None
        )
        if notes is not None:
            progress.notes = notes
        progress.full_clean()
        progress.save()
        activity_touch(learner=enrolment.learner)
    return progress


def schedule_replan(*, enrolment: Enrolment, changed_by: User, today: date | None = None) -> ScheduleChange:
    """Catch-up plan: the first uncompleted week starts this week; the remaining weeks follow it."""
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError("Only an active enrolment can be re-planned: resume it first.")
    today = today or today_for(enrolment)
    schedule = schedule_for(enrolment, today=today)
    first_open = schedule.first_uncompleted
    if not schedule.is_behind or first_open is None:
        raise ValidationError("You are on track: there is nothing to re-plan.")
    starts_on = same_weekday_on_or_before(today, enrolment.start_date.weekday())
    return ScheduleChange.objects.create(
        enrolment=enrolment,
        from_week=first_open.number,
        starts_on=starts_on,
        reason=ScheduleChange.Reason.REPLAN,
        changed_by=changed_by,
    )


def enrolment_pause(*, enrolment: Enrolment, today: date | None = None) -> Enrolment:
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError("Only an active enrolment can be paused.")
    enrolment.status = Enrolment.Status.PAUSED
    enrolment.paused_on = today or today_for(enrolment)
    enrolment.save(update_fields=["status", "paused_on"])
    return enrolment


def enrolment_resume(*, enrolment: Enrolment, changed_by: User, today: date | None = None) -> Enrolment:
    """Resume a paused enrolment: the week that was current when paused continues where it stopped."""
    if enrolment.status != Enrolment.Status.PAUSED or enrolment.paused_on is None:
        raise ValidationError("This enrolment is not paused.")
    today = today or today_for(enrolment)
    schedule = schedule_for(enrolment, today=today)
    paused_for = today - enrolment.paused_on
    with transaction.atomic():
        if schedule.current_week and paused_for.days > 0:
            week = schedule.week(schedule.current_week)
            ScheduleChange.objects.create(
                enrolment=enrolment,
                from_week=week.number,
                starts_on=week.starts_on + paused_for,
                reason=ScheduleChange.Reason.RESUME,
                changed_by=changed_by,
            )
        elif schedule.current_week is None and paused_for.days > 0:
            ScheduleChange.objects.create(
                enrolment=enrolment,
                from_week=1,
                starts_on=enrolment.start_date + paused_for,
                reason=ScheduleChange.Reason.RESUME,
                changed_by=changed_by,
            )
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.paused_on = None
        enrolment.save(update_fields=["status", "paused_on"])
    return enrolment


def calendar_token_rotate(*, enrolment: Enrolment) -> Enrolment:
    """Revoke the calendar feed URL by issuing a new secret."""
    enrolment.calendar_token = new_calendar_token()
    enrolment.save(update_fields=["calendar_token"])
    return enrolment
