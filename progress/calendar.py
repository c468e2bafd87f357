"""The learner's schedule as an iCalendar feed (one all-day event per curriculum week)."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from progress.selectors import LearnerOverview


def schedule_calendar(overview: LearnerOverview) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//AI-ML curriculum LMS//Schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "AI/ML curriculum schedule")
    stamp = timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1]
    for row in overview.rows:
        event = Event()
        event.add("uid", f"enrolment-{overview.enrolment.pk}-week-{row.week.number}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", f"Week {row.week.number}: {row.week.topic}")
        event.add("dtstart", row.planned.starts_on)
        event.add("dtend", row.planned.ends_on + timedelta(days=1))  # DTEND of all-day events is exclusive
        page = settings.SITE_URL + reverse("learner:week", args=[row.week.number])
        event.add("description", f"Focus area: {row.week.focus_area}\n{page}")
        event.add("url", page)
        calendar.add_component(event)
    return calendar.to_ical()
