"""The learner's schedule as an iCalendar feed (one all-day event per curriculum week)."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from progress.models import Enrolment
from progress.selectors import LearnerOverview


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//AI-ML curriculum LMS//Schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", gettext("AI/ML curriculum schedule"))
    return calendar


def left_calendar(*, enrolment: Enrolment) -> bytes:
    """The feed of a learner who left the curriculum: no weeks, and a note saying why (calendar apps
    show the description; the weeks they had disappear at their next refresh)."""
    calendar = _calendar()
    enrol_url = f"{settings.SITE_URL}{reverse('progress:enrol')}"
    if enrolment.ended_on:
        note = gettext(
            "You left the curriculum (%(date)s), so this calendar has no weeks. Enrol again and it shows "
            "your new schedule: %(url)s"
        ) % {"date": enrolment.ended_on.isoformat(), "url": enrol_url}
    else:
        note = gettext(
            "You left the curriculum (recently), so this calendar has no weeks. Enrol again and it shows "
            "your new schedule: %(url)s"
        ) % {"url": enrol_url}
    calendar.add("x-wr-caldesc", note)
    return calendar.to_ical()


def schedule_calendar(overview: LearnerOverview) -> bytes:
    calendar = _calendar()
    stamp = timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1]
    for row in overview.rows:
        event = Event()
        event.add("uid", f"enrolment-{overview.enrolment.pk}-week-{row.week.number}@{host}")
        event.add("dtstamp", stamp)
        event.add(
            "summary",
            gettext("Week %(number)s: %(topic)s") % {"number": row.week.number, "topic": row.week.topic},
        )
        event.add("dtstart", row.planned.starts_on)
        event.add("dtend", row.planned.ends_on + timedelta(days=1))  # DTEND of all-day events is exclusive
        page = settings.SITE_URL + reverse("learner:week", args=[row.week.number])
        event.add(
            "description", gettext("Focus area: %(focus)s") % {"focus": row.week.focus_area} + f"\n{page}"
        )
        event.add("url", page)
        calendar.add_component(event)
    return calendar.to_ical()
