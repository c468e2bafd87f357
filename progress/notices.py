"""The notices an enrolment's changes send (the mentor told that a learner left), in the recipient's
language: kept apart from progress/services.py, which calls them, so that each module stays readable."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from lms.locale import for_person
from notifications.services import notify
from progress.models import Enrolment


def left_notice(*, enrolment: Enrolment) -> None:
    """Tell the mentor that a learner of theirs left (once per enrolment): their table drops the learner."""
    learner, mentor = enrolment.learner, enrolment.mentor
    assert mentor is not None
    left_on = enrolment.ended_on or timezone.localdate()
    with for_person(mentor):  # their language
        text = render_to_string(
            "progress/email/left.txt",
            {"learner": learner, "mentor": mentor, "enrolment": enrolment, "site_url": settings.SITE_URL},
        )
        notify(
            recipient=mentor,
            kind="learner_left",
            key=f"left:{enrolment.pk}",
            subject=gettext("%(name)s left the curriculum") % {"name": learner.display_name},
            email_text=text,
            text=gettext("%(name)s left the curriculum on %(date)s.")
            % {"name": learner.display_name, "date": date_format(left_on)},
            link=reverse("mentoring:dashboard"),
        )
