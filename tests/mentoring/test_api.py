"""Mentor endpoints: scoped like the pages (a stranger's learner is a 404), same services."""

import pytest
from rest_framework.test import APIClient

from mentoring.models import PhaseReview, WeekFeedback


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "listing", "own", "other"),
    [
        ("anonymous", 401, 401, 401),
        ("learner", 403, 403, 403),
        ("other_learner", 403, 403, 403),
        ("mentor", 200, 200, 404),
        ("other_mentor", 200, 404, 200),
        ("staff", 200, 200, 200),
    ],
)
def test_mentor_endpoints_by_role(api, request, mentee, other_mentee, role, listing, own, other):
    if role != "anonymous":
        api.force_authenticate(request.getfixturevalue(role))
    assert api.get("/api/v1/mentor/learners/").status_code in (
        {listing} | ({401} if listing == 403 else set())
    )
    assert api.get(f"/api/v1/mentor/learners/{mentee.pk}/schedule/").status_code in {own, 401}
    assert api.get(f"/api/v1/mentor/learners/{other_mentee.pk}/schedule/").status_code in {other, 401}
    response = api.post(
        f"/api/v1/mentor/learners/{mentee.pk}/feedback/", {"week": 1, "body": "Hi"}, format="json"
    )
    assert response.status_code in ({201} if own == 200 else {own, 401})
    assert WeekFeedback.objects.exists() is (own == 200)


@pytest.mark.django_db
def test_the_list_is_filterable_and_paginated(api, mentor, mentee, frozen_today):
    api.force_authenticate(mentor)
    body = api.get("/api/v1/mentor/learners/").json()
    assert body["count"] == 1
    assert body["results"][0]["email"] == mentee.learner.email
    assert body["results"][0]["flags"] == []
    assert api.get("/api/v1/mentor/learners/", {"flag": "behind"}).json()["count"] == 0


@pytest.mark.django_db
def test_bad_feedback_and_reviews_are_400s_with_field_messages(api, mentor, mentee):
    api.force_authenticate(mentor)
    url = f"/api/v1/mentor/learners/{mentee.pk}/feedback/"
    assert "body" in api.post(url, {"week": 1, "body": ""}, format="json").json()
    assert "week" in api.post(url, {"week": 99, "body": "x"}, format="json").json()
    assert "week" in api.post(url, {"week": "one", "body": "x"}, format="json").json()
    review = f"/api/v1/mentor/learners/{mentee.pk}/phases/1/review/"
    response = api.post(review, {"decision": "signed_off"}, format="json")
    assert response.status_code == 400
    assert "cannot be signed off yet" in str(response.json())
    assert api.post(review, {"decision": "maybe"}, format="json").status_code == 400
    assert not PhaseReview.objects.exists()
