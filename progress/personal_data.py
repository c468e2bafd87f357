"""A learner's enrolments, schedule changes, standing and week progress: exported, and erased with their
account (the protocol: accounts/personal_data.py)."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from accounts.personal_data import shown_name
from lms.personal_data import Export, Identity, iso
from progress.models import Enrolment, ScheduleChange, WeekProgress, new_calendar_token
from progress.selectors import CURRENT_STATUSES
from progress.services import enrolment_leave


def export(user: User) -> Export:
    enrolments = []
    for enrolment in (
        Enrolment.objects.filter(learner=user)
        .select_related("mentor", "standing")
        .prefetch_related("schedule_changes__changed_by")
        .order_by("created_at", "pk")
    ):
        standing = getattr(enrolment, "standing", None)
        enrolments.append(
            {
                "id": enrolment.pk,
                "status": enrolment.status,
                "start_date": iso(enrolment.start_date),
                "pace": str(enrolment.pace),
                "timezone": enrolment.timezone,
                "paused_on": iso(enrolment.paused_on),
                "ended_on": iso(enrolment.ended_on),
                "reminder_cadence": enrolment.reminder_cadence,
                "mentor": shown_name(enrolment.mentor, unnamed="your mentor") if enrolment.mentor else None,
                "created_at": iso(enrolment.created_at),
                "last_activity_at": iso(enrolment.last_activity_at),
                "schedule_changes": [
                    {
                        "reason": change.reason,
                        "from_week": change.from_week,
                        "starts_on": iso(change.starts_on),
                        "skipped_weeks": change.skipped_weeks,
                        "pace": str(change.pace) if change.pace is not None else None,
                        "paused_from": iso(change.paused_from),
                        "changed_by": shown_name(change.changed_by, you=user, unnamed="staff"),
                        "created_at": iso(change.created_at),
                    }
                    for change in enrolment.schedule_changes.all()
                ],
                "standing": {
                    "state": standing.state,
                    "current_week": standing.current_week,
                    "weeks_behind": standing.weeks_behind,
                    "weeks_ahead": standing.weeks_ahead,
                    "weeks_completed": standing.weeks_completed,
                    "completion_percent": standing.completion_percent,
                }
                if standing
                else None,
            }
        )
    progress = [
        {
            "enrolment": row.enrolment_id,
            "week": row.week.number,
            "week_topic": row.week.topic,
            "status": row.status,
            "started_at": iso(row.started_at),
            "completed_at": iso(row.completed_at),
            "notes": row.notes,
            "updated_at": iso(row.updated_at),
        }
        for row in WeekProgress.objects.filter(enrolment__learner=user)
        .select_related("week")
        .order_by("enrolment_id", "week__number")
    ]
    return Export(records={"enrolments": enrolments, "progress": progress})


def erase(user: User, *, identity: Identity) -> list[str]:
    """Current enrolments end ("left": mentors' tables and reminders drop them); dates, statuses and
    schedule changes stay (counts), notes go, calendar links stop working."""
    for enrolment in Enrolment.objects.filter(learner=user, status__in=CURRENT_STATUSES):
        enrolment_leave(enrolment=enrolment, tell_mentor=False)
    for enrolment in Enrolment.objects.filter(learner=user):
        Enrolment.objects.filter(pk=enrolment.pk).update(
            calendar_token=new_calendar_token(), reminder_cadence=Enrolment.ReminderCadence.OFF
        )
    WeekProgress.objects.filter(enrolment__learner=user).update(notes="")
    return []


def owned(user: User) -> list[QuerySet[Any]]:
    return [
        Enrolment.objects.filter(learner=user),
        ScheduleChange.objects.filter(enrolment__learner=user),
        WeekProgress.objects.filter(enrolment__learner=user),
    ]
