"""The reminder e-mail: subject, plain-text and HTML parts, unsubscribe headers.

`ReminderComposer` is built once per batch: it holds the curriculum, the compiled templates and the
links that are the same for everybody, so composing one learner's e-mail is only template rendering.
All links are absolute (settings.SITE_URL): e-mail clients have no page to resolve them against.
"""

import importlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse

from curriculum.models import Week
from progress.schedule import Schedule
from reminders import rules
from reminders.selectors import DueReminder
from reminders.tokens import unsubscribe_token_for

logger = logging.getLogger(__name__)

QuizSummaries = Mapping[int, Any]
"""Week number → an object with .title, .status and .take_url (assessments.selectors)."""


def quiz_summaries_lookup() -> Callable[..., QuizSummaries] | None:
    """assessments.selectors.quiz_summaries_for, when the assessments app provides it.

    Imported lazily so reminders work (without quiz status) before and without that selector.
    """
    try:
        module = importlib.import_module("assessments.selectors")
    except ImportError:
        return None
    return getattr(module, "quiz_summaries_for", None)


def subject_for(*, kind: str, schedule: Schedule, weeks: Mapping[int, Week]) -> str:
    current = schedule.current_week or 1
    if kind == rules.BEHIND:
        behind = schedule.weeks_behind
        first = schedule.overdue[0].number
        return f"You are {behind} week{'s' if behind != 1 else ''} behind: finish week {first} or re-plan"
    if kind == rules.INACTIVE:
        return "Pick up where you left off"
    return f"Week {current}: {weeks[current].topic}" if current in weeks else f"Week {current}"


class ReminderComposer:
    def __init__(self, *, weeks: Mapping[int, Week]) -> None:
        self.weeks = weeks
        self.site = settings.SITE_URL
        self.text_template = get_template("reminders/email/reminder.txt")
        self.html_template = get_template("reminders/email/reminder.html")
        self.dashboard_url = self.site + reverse("progress:dashboard")
        self.settings_url = self.site + reverse("progress:settings")
        self.week_urls = {number: self.site + reverse("progress:week", args=[number]) for number in weeks}
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.quiz_summaries_for = quiz_summaries_lookup()

    def unsubscribe_url(self, enrolment_id: int) -> str:
        token = unsubscribe_token_for(enrolment_id=enrolment_id)
        return self.site + reverse("reminders:unsubscribe", args=[token])

    def quiz_for(self, due: DueReminder) -> Any:
        """This week's quiz summary; a failing assessments selector costs the line, not the e-mail."""
        if self.quiz_summaries_for is None or due.kind != rules.WEEKLY:
            return None
        try:
            summaries = self.quiz_summaries_for(learner=due.enrolment.learner)
        except Exception:  # the quiz line is optional; the reminder must still go out
            logger.exception("Quiz status unavailable for enrolment %s", due.enrolment.pk)
            return None
        quiz = summaries.get(due.week)
        if quiz is None:
            return None
        take_url = str(getattr(quiz, "take_url", "") or "")
        return {
            "title": quiz.title,
            "status": str(getattr(quiz, "status", "")).replace("_", " "),
            "take_url": self.site + take_url if take_url.startswith("/") else take_url,
        }

    def context_for(self, due: DueReminder) -> dict[str, Any]:
        schedule = due.schedule
        learner = due.enrolment.learner
        overdue = schedule.overdue
        return {
            "kind": due.kind,
            "name": learner.first_name or "there",
            "week": self.weeks.get(due.week),
            "planned": schedule.week(due.week),
            "week_url": self.week_urls.get(due.week, self.dashboard_url),
            "weeks_behind": schedule.weeks_behind,
            "overdue_weeks": [self.weeks[p.number] for p in overdue[:5] if p.number in self.weeks],
            "more_overdue": max(0, len(overdue) - 5),
            "first_overdue": self.weeks.get(overdue[0].number) if overdue else None,
            "first_open": self.weeks.get(schedule.first_uncompleted.number)
            if schedule.first_uncompleted
            else None,
            "completed_count": schedule.completed_count,
            "quiz": self.quiz_for(due),
            "cadence": due.enrolment.get_reminder_cadence_display(),
            "dashboard_url": self.dashboard_url,
            "settings_url": self.settings_url,
            "unsubscribe_url": self.unsubscribe_url(due.enrolment.pk),
        }

    def message_for(self, due: DueReminder) -> EmailMultiAlternatives:
        context = self.context_for(due)
        message = EmailMultiAlternatives(
            subject=subject_for(kind=due.kind, schedule=due.schedule, weeks=self.weeks),
            body=self.text_template.render(context),
            from_email=self.from_email,
            to=[due.enrolment.learner.email],
            headers={
                # RFC 2369 / RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(self.html_template.render(context), "text/html")
        return message
