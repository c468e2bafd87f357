"""A person's time zone (from the browser at sign-up), language and weekly e-mail time, editable in
Preferences; bad values are form errors (400), never a 500."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import User
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_sign_up_keeps_the_zone_the_browser_chose_and_schedules_the_weekly_emails(client):
    with freeze_time("2026-12-06 12:00"):  # a Sunday
        response = client.post(
            reverse("account_signup"),
            {
                "email": "kenji@example.com",
                "password1": "a long enough passphrase 42",
                "password2": "a long enough passphrase 42",
                "name": "Kenji",
                "time_zone": "Asia/Calcutta",  # an alias a browser may report: its canonical zone is kept
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="kenji@example.com")
    assert user.time_zone == "Asia/Kolkata"
    # Monday 08:00 in Kolkata (UTC+5:30)
    assert user.reminder_due_at == user.digest_due_at == datetime(2026, 12, 7, 2, 30, tzinfo=UTC)


def test_sign_up_keeps_the_browsers_language_for_what_is_written_while_away(client):
    """A Spanish browser's sign-up stores Spanish: notices and e-mails made later for the person, outside
    any request of theirs (a mentor's feedback), are in Spanish. Before, the language stayed empty and
    they came in English."""
    response = client.post(
        reverse("account_signup"),
        {
            "email": "lucia@example.com",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "name": "Lucía",
        },
        HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9",
    )
    assert response.status_code == 302
    lucia = User.objects.get(email="lucia@example.com")
    assert lucia.language == "es"
    english = Client().post(
        reverse("account_signup"),
        {
            "email": "ann@example.com",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
        HTTP_ACCEPT_LANGUAGE="en-GB",
    )
    assert english.status_code == 302
    assert User.objects.get(email="ann@example.com").language == "en"


def test_the_sign_up_form_offers_the_zones_for_the_browser_to_preselect(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="time_zone"' in page
    assert 'data-browser-zone="true"' in page


def test_preferences_save_the_zone_language_and_weekly_time(client, learner):
    client.force_login(learner)
    assert client.get(reverse("account_preferences")).status_code == 200
    with freeze_time("2026-12-06 12:00"):
        response = client.post(
            reverse("account_preferences"),
            {
                "time_zone": "America/Los_Angeles",
                "language": "es",
                "weekly_email_weekday": "2",
                "weekly_email_hour": "19",
            },
        )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.time_zone, learner.language, learner.weekly_email_weekday, learner.weekly_email_hour) == (
        "America/Los_Angeles",
        "es",
        2,
        19,
    )
    assert learner.reminder_due_at == datetime(2026, 12, 10, 3, 0, tzinfo=UTC)  # Wednesday 19:00 PST
    assert response.cookies["django_language"].value == "es"


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "Mars/Olympus_Mons"), ("weekly_email_hour", "24"), ("language", "xx")],
)
def test_a_bad_value_is_a_form_error(client, learner, field, value):
    client.force_login(learner)
    data = {"time_zone": "UTC", "language": "", "weekly_email_weekday": "0", "weekly_email_hour": "8"}
    response = client.post(reverse("account_preferences"), {**data, field: value})
    assert response.status_code == 400
    learner.refresh_from_db()
    assert (learner.time_zone, learner.weekly_email_hour) == ("UTC", 8)


def test_pages_show_times_in_the_persons_zone(client, learner):
    learner.time_zone = "Asia/Tokyo"
    learner.save(update_fields=["time_zone"])
    client.force_login(learner)
    with freeze_time("2026-12-05 23:34"):
        notify(recipient=learner, kind="test", key="k", text="Hi", link="/", subject="Hi", email_text="Hi")
        page = client.get(reverse("notifications:list")).content.decode()
    assert "6 December 2026, 08:34 JST" in page


def user_row_writes(queries) -> list[str]:
    return [
        query["sql"].split(" ", 1)[0]
        for query in queries
        if query["sql"].startswith(('INSERT INTO "accounts_user"', 'UPDATE "accounts_user"'))
    ]


def test_sign_up_writes_the_new_account_once_with_everything_the_form_and_browser_gave(client, settings):
    """The form's name and zone, the browser's language and the weekly e-mails' first times go into the
    row allauth inserts: before, four UPDATEs of the same row followed the INSERT."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # no log-in (and its last_login) at sign-up
    with freeze_time("2026-12-06 12:00"), CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("account_signup"),
            {
                "email": "amaia@example.com",
                "password1": "a long enough passphrase 42",
                "password2": "a long enough passphrase 42",
                "name": "Amaia",
                "time_zone": "Europe/Madrid",
            },
            HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9",
        )
    assert response.status_code == 302
    assert user_row_writes(queries.captured_queries) == ["INSERT"]
    amaia = User.objects.get(email="amaia@example.com")
    assert (amaia.name, amaia.time_zone, amaia.language) == ("Amaia", "Europe/Madrid", "es")
    # Monday 08:00 in Madrid (UTC+1)
    assert amaia.reminder_due_at == amaia.digest_due_at == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
