"""The enrolment's lifecycle (lms.lifecycle's shape): `progress.services` asks it before every change
of `Enrolment.status`, from every path (the learner's buttons, the API, admin, account deletion).

An enrolment that has ended (left or completed) stays ended: enrolling again creates a new enrolment
that names the one before it (`Enrolment.previous`), and the learner's pages list the earlier ones.
"""

from lms.lifecycle import LEARNER, STAFF, SYSTEM, Lifecycle, Move
from progress.models import Enrolment

Status = Enrolment.Status

ENROLMENT = Lifecycle(
    name="enrolment",
    states=tuple(Status.values),
    moves=(
        Move(
            "pause",
            (Status.ACTIVE,),
            Status.PAUSED,
            (LEARNER, STAFF),
            "the schedule stands still; no reminders; the mentor's table says paused",
        ),
        Move(
            "resume",
            (Status.PAUSED,),
            Status.ACTIVE,
            (LEARNER, STAFF),
            "the current week and the later ones move by the days paused (a schedule change the mentor sees)",
        ),
        Move(
            "leave",
            (Status.ACTIVE, Status.PAUSED),
            Status.LEFT,
            (LEARNER, STAFF, SYSTEM),
            "everything is kept, read-only; the mentor is told and their access ends; no reminders; "
            "the calendar feed answers an empty calendar with a note",
        ),
        Move(
            "complete",
            (Status.ACTIVE,),
            Status.COMPLETED,
            (STAFF,),
            "staff close an enrolment whose work is done: no reminders; the mentor's access ends; "
            "everything is kept, read-only",
        ),
    ),
    refusals={
        (Status.PAUSED, "pause"): "This enrolment is paused already.",
        (Status.LEFT, "pause"): "You left the curriculum: enrol again to continue.",
        (Status.COMPLETED, "pause"): "This enrolment is completed: there is nothing to pause.",
        (Status.ACTIVE, "resume"): "This enrolment is not paused.",
        (Status.LEFT, "resume"): "You left the curriculum: enrol again to continue.",
        (Status.COMPLETED, "resume"): "This enrolment is completed: there is nothing to resume.",
        (Status.LEFT, "leave"): "This enrolment has already ended.",
        (Status.COMPLETED, "leave"): "This enrolment has already ended.",
        (Status.PAUSED, "complete"): "Resume the enrolment before completing it.",
        (Status.LEFT, "complete"): "This enrolment has already ended.",
        (Status.COMPLETED, "complete"): "This enrolment has already ended.",
    },
)
"""Enrolling (a new row, active) is not a move: it is refused while the learner has a current one."""
