"""The sentences of a reminder e-mail, in the active language (the composer switches to the learner's).

Worded here, not in the Jinja2 templates: Django's makemessages reads a Jinja2 `_("…")` only without
arguments, and a plural needs `ngettext`. The templates place these sentences; each content and frame
is rendered once per language (the language is part of the keys they are kept under).
"""

from django.utils.translation import gettext, ngettext, pgettext

from curriculum.models import Week, week_heading
from lms.jinja2 import date as date_text


def week_title(number: int, week: Week | None) -> str:
    """ "Week 5: Linear regression", or "Week 5" for a week the curriculum does not have."""
    return week_heading(number, week.topic) if week else gettext("Week %(number)s") % {"number": number}


def quiz_status_word(status: str) -> str:
    """A quiz's status in the weekly reminder's quiz line: "(not taken)", "(passed)"…"""
    words = {
        "not_taken": pgettext("quiz status", "not taken"),
        "pending": pgettext("quiz status", "pending"),
        "needs_review": pgettext("quiz status", "needs review"),
        "passed": pgettext("quiz status", "passed"),
        "failed": pgettext("quiz status", "failed"),
    }
    return words.get(status, status.replace("_", " "))


def weekly_words(*, number: int, week: Week | None) -> dict[str, str]:
    return {
        "title": week_title(number, week),
        "open_week": gettext("Open week %(number)s") % {"number": number},
    }


def behind_words(
    *, weeks_behind: int, first_overdue: Week | None, first_overdue_number: int, first_open: int
) -> dict[str, str]:
    """The text part's one sentence ("You are 2 weeks behind: finish week 3 (…), or re-plan …"), the HTML
    part's headline and sentence."""
    values = {
        "count": weeks_behind,
        "week": first_overdue_number,
        "topic": first_overdue.topic if first_overdue else "",
        "open": first_open,
    }
    if first_overdue:
        sentence = ngettext(
            "You are %(count)s week behind: finish week %(week)s (%(topic)s), or re-plan with one click on "
            "your dashboard so that week %(open)s starts this week and the rest follows.",
            "You are %(count)s weeks behind: finish week %(week)s (%(topic)s), or re-plan with one click on "
            "your dashboard so that week %(open)s starts this week and the rest follows.",
            weeks_behind,
        )
        advice = gettext(
            "Finish week %(week)s (%(topic)s), or re-plan with one click on your dashboard so that week "
            "%(open)s starts this week and the rest follows."
        )
    else:
        sentence = ngettext(
            "You are %(count)s week behind: finish week %(week)s, or re-plan with one click on your "
            "dashboard so that week %(open)s starts this week and the rest follows.",
            "You are %(count)s weeks behind: finish week %(week)s, or re-plan with one click on your "
            "dashboard so that week %(open)s starts this week and the rest follows.",
            weeks_behind,
        )
        advice = gettext(
            "Finish week %(week)s, or re-plan with one click on your dashboard so that week %(open)s "
            "starts this week and the rest follows."
        )
    headline = ngettext("You are %(count)s week behind", "You are %(count)s weeks behind", weeks_behind)
    return {"sentence": sentence % values, "headline": headline % values, "advice": advice % values}


def more_overdue_words(more: int) -> str:
    return ngettext("and %(count)s more", "and %(count)s more", more) % {"count": more} if more else ""


def inactive_words(
    *, first_open: Week | None, first_open_number: int | None, completed: int
) -> dict[str, str]:
    waiting = ""
    if first_open_number and first_open:
        waiting = gettext("When you are ready, week %(number)s (%(topic)s) is waiting where you left it.") % {
            "number": first_open_number,
            "topic": first_open.topic,
        }
    elif first_open_number:
        waiting = gettext("When you are ready, week %(number)s is waiting where you left it.") % {
            "number": first_open_number
        }
    done = ngettext("%(count)s week done so far.", "%(count)s weeks done so far.", completed) % {
        "count": completed
    }
    return {"waiting": waiting, "done": done}


def frame_words(
    *, planned: dict[str, object] | None, cards_due: int, cadence: str, language: str
) -> dict[str, str]:
    """The frame's sentences but the greeting (its name is put in last: `greeting`)."""
    words = {
        "cards": ngettext("%(count)s card to review today", "%(count)s cards to review today", cards_due)
        % {"count": cards_due},
        "because": gettext("You get this e-mail because your reminders are set to “%(cadence)s”.")
        % {"cadence": cadence},
    }
    if planned:
        days = {
            "start": date_text(planned["starts_on"], "MONTH_DAY_FORMAT", language=language),
            "end": date_text(planned["ends_on"], language=language),
            "number": planned["number"],
        }
        words["this_week"] = gettext("This week · %(start)s – %(end)s") % days
        words["this_week_is"] = gettext("This week (%(start)s – %(end)s) is week %(number)s.") % days
    return words


def greeting(name: str) -> str:
    return gettext("Hello %(name)s,") % {"name": name}
