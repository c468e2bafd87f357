"""The enrolment's lifecycle (lms.lifecycle's shape): `progress.services` asks it before every change
of `Enrolment.status`, from every path (the learner's buttons, the API, admin, account deletion).

An enrolment that has ended (left or completed) stays ended: enrolling again creates a new enrolment
that names the one before it (`Enrolment.previous`), and the learner's pages list the earlier ones.
"""

from django.utils.translation import gettext_lazy

from lms.lifecycle import LEARNER, STAFF, SYSTEM, Lifecycle, Move
from progress.models import Enrolment

Status = Enrolment.Status

ENROLMENT = Lifecycle(
    name="enrolment",
    noun=gettext_lazy("enrolment"),
    states=tuple(Status.values),
    # The states in the words of a refusal ("… cannot go from left to active").
    labels={
        Status.ACTIVE: gettext_lazy("active"),
        Status.PAUSED: gettext_lazy("paused"),
        Status.COMPLETED: gettext_lazy("completed"),
        Status.LEFT: gettext_lazy("left"),
    },
    moves=(
        Move(
            "pause",
            (Status.ACTIVE,),
            Status.PAUSED,
            (LEARNER, STAFF),
            "the schedule stands still; no reminders; the mentor's table says paused",
            label=gettext_lazy("pause"),
        ),
        Move(
            "resume",
            (Status.PAUSED,),
            Status.ACTIVE,
            (LEARNER, STAFF),
            "the current week and the later ones move by the days paused (a schedule change the mentor sees)",
            label=gettext_lazy("resume"),
        ),
        Move(
            "leave",
            (Status.ACTIVE, Status.PAUSED),
            Status.LEFT,
            (LEARNER, STAFF, SYSTEM),
            "everything is kept, read-only; the mentor is told and their access ends; no reminders; "
            "the calendar feed answers an empty calendar with a note",
            label=gettext_lazy("leave"),
        ),
        Move(
            "complete",
            (Status.ACTIVE,),
            Status.COMPLETED,
            (STAFF,),
            "staff close an enrolment whose work is done: no reminders; the mentor's access ends; "
            "everything is kept, read-only",
            label=gettext_lazy("complete"),
        ),
    ),
    refusals={
        (Status.PAUSED, "pause"): gettext_lazy("This enrolment is paused already."),
        (Status.LEFT, "pause"): gettext_lazy("You left the curriculum: enrol again to continue."),
        (Status.COMPLETED, "pause"): gettext_lazy("This enrolment is completed: there is nothing to pause."),
        (Status.ACTIVE, "resume"): gettext_lazy("This enrolment is not paused."),
        (Status.LEFT, "resume"): gettext_lazy("You left the curriculum: enrol again to continue."),
        (Status.COMPLETED, "resume"): gettext_lazy(
            "This enrolment is completed: there is nothing to resume."
        ),
        (Status.LEFT, "leave"): gettext_lazy("This enrolment has already ended."),
        (Status.COMPLETED, "leave"): gettext_lazy("This enrolment has already ended."),
        (Status.PAUSED, "complete"): gettext_lazy("Resume the enrolment before completing it."),
        (Status.LEFT, "complete"): gettext_lazy("This enrolment has already ended."),
        (Status.COMPLETED, "complete"): gettext_lazy("This enrolment has already ended."),
    },
)
"""Enrolling (a new row, active) is not a move: it is refused while the learner has a current one."""
