"""The learner's own enrolment, schedule and progress over /api/v1/me/…"""

from datetime import date

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from curriculum.models import Week
from progress.models import Enrolment, WeekProgress
from progress.services import enrolment_create, week_progress_set

START = date(2026, 11, 2)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def enrolment(learner):
    with freeze_time(START):
        return enrolment_create(learner=learner, start_date=START)


ME_URLS = ["/api/v1/me/enrolment/", "/api/v1/me/schedule/", "/api/v1/me/progress/", "/api/v1/me/progress/1/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ME_URLS)
def test_anonymous_requests_are_refused(api, url):
    assert api.get(url).status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ME_URLS)
def test_a_user_without_enrolment_gets_404_not_someone_elses_data(api, other_learner, enrolment, url):
    api.force_authenticate(other_learner)
    assert api.get(url).status_code == 404


@pytest.mark.django_db
def test_enrol_over_the_api_and_read_the_schedule(api, learner):
    api.force_authenticate(learner)
    with freeze_time("2026-11-24"):
        response = api.post(
            "/api/v1/me/enrolment/", {"start_date": "2026-11-30", "pace": "0.5"}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["pace"] == "0.50"
        schedule = api.get("/api/v1/me/schedule/").json()
    assert schedule["state"] == "not_started"
    assert len(schedule["weeks"]) == 52
    assert schedule["weeks"][1]["starts_on"] == "2026-12-14"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"start_date": "2026-11-30", "pace": "9"}, "pace"),
        ({"start_date": "2026-11-30", "pace": "fast"}, "pace"),
        ({"start_date": "2026-11-30", "timezone": "Nowhere/City"}, "timezone"),
        ({"start_date": "1990-01-01"}, "start_date"),
    ],
)
def test_bad_enrolments_are_400_with_field_messages(api, learner, payload, field):
    api.force_authenticate(learner)
    response = api.post("/api/v1/me/enrolment/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_enrolling_twice_is_a_400(api, learner, enrolment):
    api.force_authenticate(learner)
    response = api.post("/api/v1/me/enrolment/", {"start_date": "2026-11-30"}, format="json")
    assert response.status_code == 400
    assert "already enrolled" in str(response.json())


@pytest.mark.django_db
def test_update_a_weeks_status_and_notes(api, learner, enrolment):
    api.force_authenticate(learner)
    response = api.patch("/api/v1/me/progress/3/", {"status": "completed", "notes": "ok"}, format="json")
    assert response.status_code == 200
    assert response.json()["completed_at"]
    response = api.patch("/api/v1/me/progress/3/", {"notes": "edited"}, format="json")
    assert response.json()["status"] == "completed"
    assert WeekProgress.objects.get(week__number=3).notes == "edited"
    assert api.patch("/api/v1/me/progress/3/", {"status": "done"}, format="json").status_code == 400
    assert api.patch("/api/v1/me/progress/99/", {"status": "completed"}, format="json").status_code == 404


@pytest.mark.django_db
def test_replan_over_the_api(api, learner, enrolment):
    api.force_authenticate(learner)
    with freeze_time("2026-11-25"):
        assert api.post("/api/v1/me/enrolment/replan/").json()["state"] == "on_track"
        refused = api.post("/api/v1/me/enrolment/replan/")
    assert refused.status_code == 400
    assert "nothing to re-plan" in str(refused.json())


@pytest.mark.django_db
def test_the_progress_list_runs_in_constant_queries(api, learner, enrolment, django_assert_max_num_queries):
    for week in Week.objects.all():
        week_progress_set(enrolment=enrolment, week=week, status="completed")
    api.force_authenticate(learner)
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/me/progress/")
    assert response.json()["count"] == 52
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/me/schedule/").status_code == 200


@pytest.mark.django_db
def test_writes_are_throttled(api, learner, enrolment, settings):
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "writes": "3/min"}
    from lms.throttles import WriteRateThrottle

    WriteRateThrottle.THROTTLE_RATES = rates
    try:
        api.force_authenticate(learner)
        codes = [
            api.patch("/api/v1/me/progress/1/", {"notes": "x"}, format="json").status_code for _ in range(4)
        ]
    finally:
        WriteRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [200, 200, 200, 429]
    assert api.get("/api/v1/me/progress/").status_code == 200
