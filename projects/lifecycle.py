"""A project version's lifecycle (lms.lifecycle's shape): `projects.services` asks it before every
change of `Version.status`, from the learner's page, the API and the mentor's review (web and API).

A version that came back with changes requested stays as it was reviewed: the learner's next draft is
a new version (v2, v3 …); only the newest version can be reviewed.
"""

from typing import cast

from django.utils.translation import gettext_lazy as _

from lms.lifecycle import LEARNER, MENTOR, STAFF, Lifecycle, Move
from projects.models import Version

Status = Version.Status

VERSION = Lifecycle(
    name="project version",
    states=tuple(Status.values),
    labels={str(value): str(label).lower() for value, label in Status.choices},
    moves=(
        Move("edit", (Status.DRAFT,), Status.DRAFT, (LEARNER,), "the draft's links and report change"),
        Move(
            "submit",
            (Status.DRAFT,),
            Status.SUBMITTED,
            (LEARNER,),
            "immutable from now on; the mentor is told once; it waits in the review queue",
        ),
        Move(
            "request_changes",
            (Status.SUBMITTED,),
            Status.CHANGES_REQUESTED,
            (MENTOR, STAFF),
            "the rubric's scores and comments are kept; the learner is told and may start the next version",
        ),
        Move(
            "accept",
            (Status.SUBMITTED,),
            Status.ACCEPTED,
            (MENTOR, STAFF),
            "needs the rubric's pass rule; the project's week is marked completed; the learner is told; "
            "the phase can be signed off",
        ),
    ),
    # Lazy: worded in the language of whoever is refused (the table is built at import).
    refusals={
        (Status.SUBMITTED, "edit"): cast(
            str, _("A submitted version cannot change: it is waiting for review.")
        ),
        (Status.SUBMITTED, "submit"): cast(str, _("This version is already submitted.")),
        (Status.CHANGES_REQUESTED, "submit"): cast(str, _("This version is already submitted.")),
        (Status.ACCEPTED, "submit"): cast(str, _("This version is already submitted.")),
        (Status.ACCEPTED, "edit"): cast(
            str, _("This project is accepted: there is nothing more to hand in.")
        ),
        (Status.CHANGES_REQUESTED, "edit"): cast(
            str, _("A submitted version cannot change: start the next version.")
        ),
        (Status.DRAFT, "accept"): cast(str, _("This version is a draft: it is not waiting for review.")),
        (Status.DRAFT, "request_changes"): cast(
            str, _("This version is a draft: it is not waiting for review.")
        ),
    },
    default_refusal="This version is {state}: it is not waiting for review.",
)
