"""The learner pages' phrases with a count in them, in the active language. The Jinja2 templates call
these (`phrases.weeks_completed(3, 52)`, handed to them as `phrases` by learner.views) because Django's
makemessages reads `ngettext` in Python, not in Jinja2 templates."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext


def weeks_completed(done: int, total: int) -> str:
    """ "3 of 52 weeks completed"."""
    return ngettext(
        "%(done)s of %(total)s week completed", "%(done)s of %(total)s weeks completed", total
    ) % {"done": done, "total": total}


def weeks_of(done: int, total: int) -> str:
    """ "3 of 8 weeks" (a phase on the dashboard's timeline)."""
    return ngettext("%(done)s of %(total)s week", "%(done)s of %(total)s weeks", total) % {
        "done": done,
        "total": total,
    }


def cards_due(count: int, minutes: int) -> str:
    """ "4 cards due (about 3 minutes)."."""
    cards = ngettext("%(count)s card due", "%(count)s cards due", count) % {"count": count}
    about = ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    return gettext("%(cards)s (about %(minutes)s).") % {"cards": cards, "minutes": about}


def attempts_used(used: int, total: int) -> str:
    """ "1 of 3 attempts used"."""
    return ngettext("%(used)s of %(total)s attempt used", "%(used)s of %(total)s attempts used", total) % {
        "used": used,
        "total": total,
    }


def schedule_words() -> dict[str, str]:
    """The words every row of the schedule repeats, translated once for its 52 rows."""
    return {
        "week_label": gettext("Week"),
        "dates_label": gettext("Dates"),
        "topic_label": gettext("Topic"),
        "status_label": gettext("Status"),
        "quiz_label": gettext("Quiz"),
        "no_slot": gettext("No slot: done before its turn"),
        "project_tag": gettext("Project"),
        "this_week_tag": gettext("This week"),
    }


def chart_description(
    *,
    own: bool,
    name: str,
    done: int,
    total: int,
    today: date,
    first_done: int,
    current_done: int,
    replans: int,
    pauses: int,
) -> str:
    """The plan-against-actual chart in words (its SVG description): what is done by today, what each
    plan had done by then, and how many re-plans and pauses there were."""
    completed = ngettext(
        "%(done)s of %(total)s week completed by %(date)s.",
        "%(done)s of %(total)s weeks completed by %(date)s.",
        total,
    ) % {"done": done, "total": total, "date": date_format(today)}
    if own:
        plans = gettext("The first plan had %(first)s done by then and your current plan %(current)s.")
    else:
        plans = gettext("The first plan had %(first)s done by then and %(name)s's current plan %(current)s.")
    plans %= {"first": first_done, "current": current_done, "name": name}
    changes = gettext("%(replans)s, %(pauses)s.") % {
        "replans": ngettext("%(count)s re-plan", "%(count)s re-plans", replans) % {"count": replans},
        "pauses": ngettext("%(count)s pause", "%(count)s pauses", pauses) % {"count": pauses},
    }
    return f"{completed} {plans} {changes}"
