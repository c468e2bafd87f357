"""One submission time, read by a learner in Tokyo and their mentor in Los Angeles: each sees it in
their own zone, the zone named (pages and e-mails), and the API gives the same instant in ISO 8601 with
the reader's offset."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.preferences import user_locale_set
from notifications.models import Email
from tests.projects.conftest import enrol_with, review, submit

SUBMITTED = datetime(2026, 12, 5, 23, 34, tzinfo=UTC)
IN_TOKYO = "6 December 2026, 08:34 JST"
IN_LOS_ANGELES = "5 December 2026, 15:34 PST"


@pytest.fixture
def version(learner, mentor):
    user_locale_set(
        user=learner, time_zone="Asia/Tokyo", language="", weekly_email_weekday=0, weekly_email_hour=8
    )
    user_locale_set(
        user=mentor, time_zone="America/Los_Angeles", language="", weekly_email_weekday=0, weekly_email_hour=8
    )
    enrol_with(learner, mentor, start=SUBMITTED.date())
    with freeze_time(SUBMITTED):
        return submit(learner)


def test_each_reads_the_submission_time_on_the_version_page_in_their_zone(client, learner, mentor, version):
    path = reverse("projects:version", args=[version.pk])
    client.force_login(learner)
    assert f"submitted {IN_TOKYO}" in client.get(path).content.decode()
    client.force_login(mentor)
    assert f"submitted {IN_LOS_ANGELES}" in client.get(path).content.decode()


def test_each_reads_it_in_their_own_email(learner, mentor, version):
    to_mentor = Email.objects.get(key=f"project-submitted:{version.pk}", recipient=mentor)
    assert f"Submitted {IN_LOS_ANGELES}." in to_mentor.text
    done = review(mentor, version, decision="changes_requested")
    to_learner = Email.objects.get(key=f"project-reviewed:{done.pk}", recipient=learner)
    assert f"Submitted {IN_TOKYO}." in to_learner.text
    assert IN_LOS_ANGELES not in to_learner.text


@pytest.mark.parametrize("log_in", ["session", "token"])
def test_the_api_gives_the_instant_with_the_readers_offset(learner, mentor, version, log_in):
    def api_for(user) -> APIClient:
        api = APIClient()
        if log_in == "token":
            api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        else:
            api.force_login(user)
        return api

    mine = api_for(learner).get(f"/api/v1/me/project-versions/{version.pk}/").json()
    theirs = (
        api_for(mentor)
        .get(f"/api/v1/mentor/learners/{version.enrolment_id}/project-versions/")
        .json()["results"][0]
    )
    assert mine["submitted_at"] == "2026-12-06T08:34:00+09:00"
    assert theirs["submitted_at"] == "2026-12-05T15:34:00-08:00"
    assert (
        datetime.fromisoformat(mine["submitted_at"])
        == datetime.fromisoformat(theirs["submitted_at"])
        == SUBMITTED
    )
