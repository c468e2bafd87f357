"""One calendar feed per learner, following their current enrolment: after leaving it empties (with a
note), after enrolling again the same link serves the new dates — a subscriber never keeps the
abandoned plan, and only one link per learner works."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from progress.models import Enrolment
from progress.services import enrolment_create, enrolment_leave

pytestmark = pytest.mark.django_db


def feed(client, token: str) -> Calendar:
    response = client.get(reverse("progress:calendar-feed", args=[token]))
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def first_week_start(calendar: Calendar):
    [week_one] = [e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Week 1:")]
    return week_one.decoded("dtstart")


def test_the_feed_empties_after_leaving_and_follows_the_next_enrolment(client, learner):
    today = timezone.now().date()
    first = enrolment_create(learner=learner, start_date=today - timedelta(days=14))
    token = first.calendar_token
    assert first_week_start(feed(client, token)) == first.start_date

    enrolment_leave(enrolment=first)
    left = feed(client, token)
    assert list(left.walk("VEVENT")) == []
    assert "You left the curriculum" in str(left["x-wr-caldesc"])

    second = enrolment_create(learner=learner, start_date=today, pace=Decimal("2"))
    assert second.calendar_token == token
    following = feed(client, token)
    assert first_week_start(following) == second.start_date
    assert len(list(following.walk("VEVENT"))) == 52
    # The earlier enrolment's link is a new secret nobody was given: one live link per learner.
    first.refresh_from_db()
    assert first.calendar_token != token
    assert Enrolment.objects.filter(calendar_token=token).get() == second
