"""The enrol form as a new learner meets it: the default start date shows, time zones are canonical."""

import json
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from accounts.timezones import canonical_timezones, timezone_aliases
from progress.forms import EnrolmentForm, LearnerSettingsForm
from progress.models import Enrolment

SUNDAY = date(2026, 11, 29)


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


@pytest.mark.django_db
def test_the_default_start_date_is_sent_as_an_iso_date_the_browser_accepts(client, learner, settings):
    settings.LANGUAGE_CODE = "en-gb"  # whose locale format, 30/11/2026, a date input drops
    client.force_login(learner)
    with freeze_time(SUNDAY):
        page = client.get(reverse("progress:enrol")).content.decode()
    assert 'type="date"' in page
    assert input_value(page, "start_date") == "2026-11-30"  # next Monday


@pytest.mark.django_db
def test_a_learner_who_submits_the_defaults_is_enrolled(client, learner):
    client.force_login(learner)
    with freeze_time(SUNDAY):
        page = client.get(reverse("progress:enrol")).content.decode()
        response = client.post(
            reverse("progress:enrol"),
            {"start_date": input_value(page, "start_date"), "pace": "1", "timezone": "UTC"},
        )
    assert response.status_code == 302
    assert Enrolment.objects.get(learner=learner).start_date == date(2026, 11, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "message"),
    [
        (SUNDAY, "Here is your first week."),
        (SUNDAY + timedelta(days=1), "Week 1 starts on 30 November 2026."),
        (SUNDAY - timedelta(weeks=3), "You are enrolled from 8 November 2026, so this is week 4."),
    ],
)
def test_the_welcome_message_names_the_week_the_dashboard_shows(client, learner, start, message):
    client.force_login(learner)
    with freeze_time(SUNDAY):
        response = client.post(
            reverse("progress:enrol"),
            {"start_date": start.isoformat(), "pace": "1", "timezone": "UTC"},
            follow=True,
        )
    page = response.content.decode()
    assert message in page
    if start < SUNDAY:
        assert "first week" not in page
        assert "Week 4:" in page


def test_the_time_zones_offered_are_canonical_and_grouped_by_region():
    zones = canonical_timezones()
    assert zones[0] == "UTC"
    assert list(zones[1:]) == sorted(zones[1:])
    assert {"Africa/Asmara", "Asia/Kolkata", "Europe/Kyiv", "Europe/Oslo", "America/New_York"} <= set(zones)
    assert not {"Africa/Asmera", "Asia/Calcutta", "Europe/Kiev", "US/Eastern", "GMT+0"} & set(zones)

    select = str(EnrolmentForm()["timezone"])
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["UTC", "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic",
                      "Australia", "Europe", "Indian", "Pacific"]  # fmt: skip
    assert '<option value="Europe/Oslo">Oslo</option>' in select
    assert "Asmera" not in select.split("data-aliases")[0]


def test_a_new_enrolment_lets_the_browser_choose_its_zone_and_knows_its_aliases():
    field = EnrolmentForm()["timezone"]
    aliases = json.loads(field.field.widget.attrs["data-aliases"])
    assert aliases["Asia/Calcutta"] == "Asia/Kolkata"
    assert aliases["Europe/Kiev"] == "Europe/Kyiv"
    assert set(aliases.values()) <= set(canonical_timezones())
    assert 'data-browser-zone="true"' in str(field)
    # A form sent back with an error keeps what the learner chose.
    bound = EnrolmentForm({"start_date": "", "pace": "1", "timezone": "Europe/Oslo"})
    assert "data-browser-zone" not in str(bound["timezone"])
    assert 'value="Europe/Oslo" selected' in str(bound["timezone"])


def test_an_alias_saved_earlier_shows_and_saves_as_its_canonical_zone():
    assert timezone_aliases()["Asia/Calcutta"] == "Asia/Kolkata"
    form = LearnerSettingsForm(initial={"timezone": "Asia/Calcutta", "reminder_cadence": "weekly"})
    assert 'value="Asia/Kolkata" selected' in str(form["timezone"])
    posted = LearnerSettingsForm({"timezone": "Asia/Calcutta", "reminder_cadence": "weekly"})
    assert posted.is_valid(), posted.errors
    assert posted.cleaned_data["timezone"] == "Asia/Kolkata"
