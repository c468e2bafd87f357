"""Who may see a learner's progress: the learner, their mentor (read-only) and staff; nobody else."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time
from icalendar import Calendar

from progress.services import calendar_token_rotate, enrolment_create

START = date(2026, 11, 2)


@pytest.fixture
def enrolment(learner, mentor):
    with freeze_time(START):
        enrolment = enrolment_create(learner=learner, start_date=START)
    enrolment.mentor = mentor
    enrolment.save()
    return enrolment


OWN_PAGES = ["learner:dashboard", "learner:schedule", "progress:settings"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*OWN_PAGES, "progress:enrol"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("learner", 200),
        ("other_learner", 404),
        ("mentor", 200),
        ("other_mentor", 404),
        ("staff", 200),
    ],
)
def test_a_learners_schedule_by_id_is_visible_only_to_them_their_mentor_and_staff(
    client, request, enrolment, role, expected
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("learner:learner-schedule", args=[enrolment.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "Essential Math Foundation - Part 1" in response.content.decode()


@pytest.mark.django_db
def test_the_mentors_view_is_read_only(client, mentor, enrolment):
    client.force_login(mentor)
    page = client.get(reverse("learner:learner-schedule", args=[enrolment.pk])).content.decode()
    assert reverse("learner:week", args=[1]) not in page
    assert "Schedule of" in page


@pytest.mark.django_db
def test_another_learner_sees_only_their_own_pages(client, other_learner, enrolment):
    client.force_login(other_learner)
    for name in OWN_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302  # to their own enrolment form: nothing of the learner's
        assert response.url == reverse("progress:enrol")
    assert client.get(reverse("learner:week", args=[1])).url == reverse("progress:enrol")


@pytest.mark.django_db
def test_the_calendar_feed_has_52_dated_events(client, enrolment):
    response = client.get(reverse("progress:calendar-feed", args=[enrolment.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 52
    first, fifth, last = events[0], events[4], events[51]
    assert str(first["summary"]) == "Week 1: Essential Math Foundation - Part 1"
    assert first.decoded("dtstart") == START
    assert first.decoded("dtend") == START + timedelta(days=7)
    assert fifth.decoded("dtstart") == START + timedelta(weeks=4)
    assert last.decoded("dtstart") == START + timedelta(weeks=51)
    assert len({str(event["uid"]) for event in events}) == 52


@pytest.mark.django_db
def test_a_wrong_or_revoked_calendar_token_is_a_404(client, other_learner, enrolment):
    old_token = enrolment.calendar_token
    assert client.get(reverse("progress:calendar-feed", args=["guessed-token"])).status_code == 404
    calendar_token_rotate(enrolment=enrolment)
    assert client.get(reverse("progress:calendar-feed", args=[old_token])).status_code == 404
    assert client.get(reverse("progress:calendar-feed", args=[enrolment.calendar_token])).status_code == 200


@pytest.mark.django_db
def test_the_learner_rotates_the_feed_from_settings(client, learner, enrolment):
    client.force_login(learner)
    old_token = enrolment.calendar_token
    client.post(reverse("progress:calendar-rotate"))
    enrolment.refresh_from_db()
    assert enrolment.calendar_token != old_token
    assert enrolment.calendar_token in client.get(reverse("progress:settings")).content.decode()


@pytest.mark.django_db
def test_settings_refuse_an_unknown_cadence(client, learner, enrolment):
    client.force_login(learner)
    response = client.post(reverse("progress:settings"), {"timezone": "UTC", "reminder_cadence": "hourly"})
    assert response.status_code == 400
    assert "reminder_cadence" in response.context["form"].errors
