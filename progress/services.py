"""Writes to enrolments and progress. Every entry point (pages, API, admin actions) calls these."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from accounts.models import User
from curriculum.models import Week
from progress.lifecycle import ENROLMENT
from progress.models import Enrolment, ScheduleChange, WeekProgress, new_calendar_token
from progress.notices import left_notice
from progress.schedule import PlannedWeek, Schedule, replan_shift, same_weekday_on_or_before
from progress.scope import CURRENT_STATUSES
from progress.selectors import schedule_for, today_for
from progress.signals import enrolment_saved
from progress.standings import standing_refresh

EARLIEST_START = timedelta(days=366)
LATEST_START = timedelta(days=366)


def activity_touch(*, learner: User) -> None:
    """Record that the learner did something (marked progress, submitted a quiz) just now."""
    Enrolment.objects.filter(learner=learner, status__in=CURRENT_STATUSES).update(
        last_activity_at=timezone.now()
    )


def enrolment_create(
    *,
    learner: User,
    start_date: date,
    pace: Decimal = Decimal("1"),
    timezone_name: str = "UTC",
    mentor: User | None = None,
) -> Enrolment:
    """Enrol a learner (with a mentor: a cohort's); start dates over a year away are refused as typos."""
    today = timezone.now().date()
    if not today - EARLIEST_START <= start_date <= today + LATEST_START:
        raise ValidationError({"start_date": gettext("Choose a start date within a year of today.")})
    enrolment = Enrolment(
        learner=learner, start_date=start_date, pace=pace, timezone=timezone_name, mentor=mentor
    )
    enrolment.full_clean()
    try:
        with transaction.atomic():
            _calendar_feed_move(to=enrolment)
            enrolment.save()
            standing_refresh(enrolment_ids=[enrolment.pk])
            enrolment_saved.send(sender=Enrolment, enrolment_id=enrolment.pk)
    except IntegrityError as error:  # a concurrent enrolment won the race past full_clean
        raise ValidationError(gettext("You are already enrolled.")) from error
    return enrolment


def _calendar_feed_move(*, to: Enrolment) -> None:
    """A new enrolment names the one before, and takes its secret calendar link (a learner has one
    feed, following the current enrolment); the previous one gets a fresh token nobody knows."""
    previous = (
        Enrolment.objects.select_for_update()
        .filter(learner_id=to.learner_id)
        .order_by("-created_at", "-pk")
        .first()
    )
    if previous is None:
        return
    to.previous = previous
    token = previous.calendar_token
    previous.calendar_token = new_calendar_token()
    previous.save(update_fields=["calendar_token"])
    to.calendar_token = token


def enrolment_update_settings(
    *, enrolment: Enrolment, timezone_name: str, reminder_cadence: str
) -> Enrolment:
    enrolment.timezone = timezone_name
    enrolment.reminder_cadence = reminder_cadence
    enrolment.full_clean()
    with transaction.atomic():
        enrolment.save(update_fields=["timezone", "reminder_cadence"])
        standing_refresh(enrolment_ids=[enrolment.pk])  # the learner's date moves with their time zone
    return enrolment


def week_progress_set(
    *, enrolment: Enrolment, week: Week, status: str, notes: str | None = None
) -> WeekProgress:
    """Set a week's status (and notes); keeps started_at/completed_at consistent with the status."""
    if status not in WeekProgress.Status.values:
        raise ValidationError({"status": gettext("“%(status)s” is not a valid status.") % {"status": status}})
    if enrolment.status == Enrolment.Status.LEFT:
        raise ValidationError(gettext("You left the curriculum: enrol again to record progress."))
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
        standing_refresh(enrolment_ids=[enrolment.pk])
    return progress


@dataclass(frozen=True)
class ReplanPreview:
    """A re-plan not yet made: the schedule before and after it, and the change that makes it."""

    change: ScheduleChange
    before: Schedule
    after: Schedule

    @property
    def finish_before(self) -> date:
        return self.before.weeks[-1].ends_on

    @property
    def finish_after(self) -> date:
        return self.after.weeks[-1].ends_on

    @property
    def forward(self) -> bool:
        """Pulls the plan earlier (the learner is ahead) rather than moving it later."""
        return self.finish_after < self.finish_before

    @property
    def moves(self) -> list[tuple[PlannedWeek, PlannedWeek]]:
        """The weeks that start on another day or lose their slot: (before, after)."""
        return [
            (old, new)
            for old, new in zip(self.before.weeks, self.after.weeks, strict=True)
            if (old.starts_on, old.has_slot) != (new.starts_on, new.has_slot)
        ]

    @property
    def skipped(self) -> list[int]:
        return sorted(self.change.skipped_weeks)


def schedule_replan_preview(*, enrolment: Enrolment, today: date | None = None) -> ReplanPreview:
    """What a re-plan would do today (see progress.schedule.replan_shift); refuses one that is not needed.

    Offered when the learner is behind (the unfinished weeks move later), ahead (this week is done:
    they move earlier) or has completed weeks after the first unfinished one (those take no slot)."""
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(gettext("Only an active enrolment can be re-planned: resume it first."))
    today = today or today_for(enrolment)
    statuses = dict(WeekProgress.objects.filter(enrolment=enrolment).values_list("week__number", "status"))
    shifts = [change.shift for change in enrolment.schedule_changes.all()]
    before = schedule_for(enrolment, statuses=statuses, shifts=shifts, today=today)
    if before.planned_week is None:
        raise ValidationError(gettext("Your schedule has not started yet: there is nothing to re-plan."))
    shift = replan_shift(before, week_start=same_weekday_on_or_before(today, enrolment.start_date.weekday()))
    if shift is None:
        raise ValidationError(gettext("You have completed every week: there is nothing to re-plan."))
    if not (before.is_behind or before.state == "ahead" or shift.skipped):
        raise ValidationError(gettext("You are on track: there is nothing to re-plan."))
    change = ScheduleChange(
        enrolment=enrolment,
        from_week=shift.from_week,
        starts_on=shift.starts_on,
        skipped_weeks=sorted(shift.skipped),
        pace=shift.pace,
        reason=ScheduleChange.Reason.REPLAN,
    )
    after = schedule_for(enrolment, statuses=statuses, shifts=[*shifts, change.shift], today=today)
    if [week.starts_on for week in after.weeks] == [week.starts_on for week in before.weeks]:
        raise ValidationError(gettext("You are on track: there is nothing to re-plan."))
    return ReplanPreview(change=change, before=before, after=after)


def schedule_replan(
    *,
    enrolment: Enrolment,
    changed_by: User,
    today: date | None = None,
    confirming: tuple[int, date] | None = None,
) -> ScheduleChange:
    """Make the re-plan `schedule_replan_preview` shows. `confirming` is the (first week, its new start)
    the learner saw: when the plan has changed since (another day, another tab), nothing is made."""
    preview = schedule_replan_preview(enrolment=enrolment, today=today)
    change = preview.change
    if confirming is not None and confirming != (change.from_week, change.starts_on):
        raise ValidationError(
            gettext("Your schedule changed since you saw the preview: here is the new one."), code="stale"
        )
    change.changed_by = changed_by
    change.full_clean()
    with transaction.atomic():
        change.save()
        standing_refresh(enrolment_ids=[enrolment.pk])
    return change


def schedule_replan_undo(*, enrolment: Enrolment) -> ScheduleChange:
    """Undo the enrolment's last schedule change when it is a re-plan: the plan is what it was before.
    The audit trail keeps the deleted change and who undid it."""
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(gettext("Only an active enrolment's re-plan can be undone: resume it first."))
    with transaction.atomic():
        last = enrolment.schedule_changes.select_for_update().order_by("-created_at", "-id").first()
        if last is None or last.reason != ScheduleChange.Reason.REPLAN:
            raise ValidationError(
                gettext("There is no re-plan to undo: only the last change of the plan can be.")
            )
        last.delete()
        standing_refresh(enrolment_ids=[enrolment.pk])
    return last


def enrolment_pause(*, enrolment: Enrolment, today: date | None = None) -> Enrolment:
    enrolment.status = ENROLMENT.check(state=enrolment.status, move="pause")
    enrolment.paused_on = today or today_for(enrolment)
    with transaction.atomic():
        enrolment.save(update_fields=["status", "paused_on"])
        standing_refresh(enrolment_ids=[enrolment.pk])
    return enrolment


def enrolment_resume(*, enrolment: Enrolment, changed_by: User, today: date | None = None) -> Enrolment:
    """Resume a paused enrolment: the week that was current when paused continues where it stopped."""
    active = ENROLMENT.check(state=enrolment.status, move="resume")
    today = today or today_for(enrolment)
    schedule = schedule_for(enrolment, today=today)
    paused_for = today - (enrolment.paused_on or today)
    with transaction.atomic():
        if schedule.current_week and paused_for.days > 0:
            week = schedule.week(schedule.current_week)
            ScheduleChange.objects.create(
                enrolment=enrolment,
                from_week=week.number,
                starts_on=week.starts_on + paused_for,
                # Weeks a re-plan skipped keep taking no slot.
                skipped_weeks=schedule.slotless_from(week.number + 1),
                pace=schedule.pace,
                reason=ScheduleChange.Reason.RESUME,
                paused_from=enrolment.paused_on,
                changed_by=changed_by,
            )
        elif schedule.current_week is None and paused_for.days > 0:
            ScheduleChange.objects.create(
                enrolment=enrolment,
                from_week=1,
                starts_on=enrolment.start_date + paused_for,
                pace=schedule.pace,
                reason=ScheduleChange.Reason.RESUME,
                paused_from=enrolment.paused_on,
                changed_by=changed_by,
            )
        enrolment.status, enrolment.paused_on = active, None
        enrolment.save(update_fields=["status", "paused_on"])
        standing_refresh(enrolment_ids=[enrolment.pk])
    return enrolment


PACES = (Decimal("0.25"), Decimal("2"))
"""The slowest and the fastest pace a learner may choose (the enrolment's validators say the same)."""


def enrolment_pace_change(
    *, enrolment: Enrolment, pace: Decimal, changed_by: User, today: date | None = None
) -> ScheduleChange:
    """Follow a new pace from next week on: this week keeps its dates (a learner is never moved into
    another week by it) and the later weeks follow at `pace` (before the start, the whole plan). Earlier
    weeks keep their dates: what was overdue stays overdue. A schedule change the mentor sees."""
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(gettext("Only an active enrolment's pace can change: resume it first."))
    if not PACES[0] <= pace <= PACES[1]:
        raise ValidationError(
            {
                "pace": gettext("Choose a pace from %(low)s to %(high)s weeks per week.")
                % {"low": number_format(PACES[0]), "high": number_format(PACES[1])}
            }
        )
    today = today or today_for(enrolment)
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()  # one change at a time
        schedule = schedule_for(enrolment, today=today)
        if schedule.first_uncompleted is None:
            raise ValidationError(gettext("You have completed every week: there is nothing to re-plan."))
        if pace == schedule.pace:
            raise ValidationError({"pace": gettext("That is already your pace.")})
        if schedule.planned_week is None:
            from_week, starts_on = 1, schedule.week(1).starts_on
        elif schedule.planned_week == len(schedule.weeks):
            raise ValidationError(
                {"pace": gettext("This is your last week: a new pace would change nothing.")}
            )
        else:
            from_week = schedule.planned_week + 1
            starts_on = schedule.week(from_week).starts_on
        change = ScheduleChange(
            enrolment=enrolment,
            from_week=from_week,
            starts_on=starts_on,
            # Weeks a re-plan skipped keep taking no slot.
            skipped_weeks=schedule.slotless_from(from_week),
            pace=pace,
            reason=ScheduleChange.Reason.PACE,
            changed_by=changed_by,
        )
        change.full_clean()
        change.save()
        standing_refresh(enrolment_ids=[enrolment.pk])
    return change


def enrolment_leave(
    *, enrolment: Enrolment, today: date | None = None, tell_mentor: bool = True
) -> Enrolment:
    """The learner (or staff, or account deletion) ends the enrolment ("left"); everything in it is
    kept. The mentor's access ends and they are told (unless `tell_mentor` is False: account deletion
    tells them itself); no more reminders. The learner can enrol again later (a new enrolment)."""
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("learner", "mentor")
            .get(pk=enrolment.pk)
        )
        locked.status = ENROLMENT.check(state=locked.status, move="leave")
        locked.ended_on = today or today_for(locked)
        locked.save(update_fields=["status", "ended_on"])
        standing_refresh(enrolment_ids=[locked.pk])
        if locked.mentor is not None and tell_mentor:
            left_notice(enrolment=locked)
    # After the move's lock is let go: receivers lock the learner first (assessments' quiz record).
    enrolment_saved.send(sender=Enrolment, enrolment_id=locked.pk)
    enrolment.status, enrolment.ended_on = locked.status, locked.ended_on
    return enrolment


def enrolment_save_by_staff(*, enrolment: Enrolment, changed_by: User) -> Enrolment:
    """Save an enrolment edited by staff (admin) by the learner's rules: a change of status is the
    lifecycle's move (progress.lifecycle), any other is refused with the reason, and so is another
    learner (their quiz record, standing and calendar feed follow the enrolment); the standing is
    refreshed. Start date, pace and mentor changes are recorded by the audit trail."""
    with transaction.atomic():
        before = (
            Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first() if enrolment.pk else None
        )
        if before is None and enrolment.status != Enrolment.Status.ACTIVE:
            raise ValidationError({"status": gettext("A new enrolment starts active.")})
        if before is not None and before.learner_id != enrolment.learner_id:
            raise ValidationError({"learner": gettext("An enrolment's learner cannot change.")})
        move = None
        if before is not None and before.status != enrolment.status:
            move = ENROLMENT.move_between(source=before.status, target=enrolment.status)
            for name in ("status", "paused_on", "ended_on"):  # other edits first, then the move
                setattr(enrolment, name, getattr(before, name))
        enrolment.full_clean()
        enrolment.save()
        if move == "resume":
            enrolment_resume(enrolment=enrolment, changed_by=changed_by)
        elif move is not None:
            by_name: dict[str, Callable[..., Enrolment]] = {
                "pause": enrolment_pause, "leave": enrolment_leave, "complete": enrolment_complete
            }  # fmt: skip
            by_name[move](enrolment=enrolment)
        standing_refresh(enrolment_ids=[enrolment.pk])
        enrolment_saved.send(sender=Enrolment, enrolment_id=enrolment.pk)
    return enrolment


def enrolment_complete(*, enrolment: Enrolment, today: date | None = None) -> Enrolment:
    """Staff close an enrolment whose work is done: it ends ("completed", read-only, kept)."""
    enrolment.status = ENROLMENT.check(state=enrolment.status, move="complete")
    with transaction.atomic():
        enrolment.ended_on = today or today_for(enrolment)
        enrolment.save(update_fields=["status", "ended_on"])
        standing_refresh(enrolment_ids=[enrolment.pk])
    enrolment_saved.send(sender=Enrolment, enrolment_id=enrolment.pk)
    return enrolment


def calendar_token_rotate(*, enrolment: Enrolment) -> Enrolment:
    """Revoke the calendar feed URL by issuing a new secret."""
    enrolment.calendar_token = new_calendar_token()
    enrolment.save(update_fields=["calendar_token"])
    return enrolment
