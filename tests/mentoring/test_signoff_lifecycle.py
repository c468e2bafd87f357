"""The phase review's lifecycle (mentoring.signoff): a signed-off phase cannot be returned — from the
mentor's page or the API — so its certificate, the learner's dashboard and the mentor's page never
disagree; a returned phase can still be signed off."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from credentials.models import Certificate
from mentoring.models import PhaseReview
from mentoring.signoff import ALLOWED, REFUSED, PhaseState, decision_refusal, state_after, transition_table
from tests.conftest import REPO
from tests.mentoring.test_feedback_and_reviews import complete_phase_one, review

pytestmark = pytest.mark.django_db


def test_every_move_is_allowed_or_refused_with_a_reason():
    for state in PhaseState:
        for decision in PhaseReview.Decision.values:
            refusal = decision_refusal(state=state, decision=decision, phase_number=1)
            assert (refusal is None) == (decision in ALLOWED[state])
            if refusal is not None:
                assert (state, decision) in REFUSED
                assert "Phase 1" in refusal


def test_the_state_follows_the_decisions():
    assert state_after([]) == PhaseState.WAITING
    assert state_after(["returned"]) == PhaseState.RETURNED
    assert state_after(["returned", "signed_off"]) == PhaseState.SIGNED_OFF


def test_a_signed_off_phase_cannot_be_returned_on_the_mentors_page(client, mentor, learner, mentee):
    complete_phase_one(mentee, pass_quizzes=True)
    client.force_login(mentor)
    review(client, mentee, "signed_off")
    certificate = Certificate.objects.get(enrolment=mentee, phase__number=1)
    page = review(client, mentee, "returned", "Please redo week 3.").content.decode()
    assert "cannot be returned" in page
    assert list(PhaseReview.objects.values_list("decision", flat=True)) == ["signed_off"]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    # The mentor's page offers no review form for the signed-off phase.
    detail = client.get(reverse("mentoring:learner", args=[mentee.pk])).content.decode()
    assert reverse("mentoring:phase-review", args=[mentee.pk, 1]) not in detail
    client.force_login(learner)
    dashboard = client.get(reverse("learner:dashboard")).content.decode()
    assert "Signed off" in dashboard
    assert "Returned with comments" not in dashboard
    assert "Please redo week 3." not in dashboard


def test_a_signed_off_phase_cannot_be_returned_through_the_api(mentor, mentee):
    complete_phase_one(mentee, pass_quizzes=True)
    api = APIClient()
    api.force_authenticate(mentor)
    url = f"/api/v1/mentor/learners/{mentee.pk}/phases/1/review/"
    assert api.post(url, {"decision": "signed_off"}, format="json").status_code == 201
    response = api.post(url, {"decision": "returned", "comments": "Redo it"}, format="json")
    assert response.status_code == 400
    assert "cannot be returned" in str(response.json())
    assert PhaseReview.objects.filter(decision="returned").count() == 0


def test_a_returned_phase_can_be_signed_off_later(client, mentor, mentee):
    client.force_login(mentor)
    review(client, mentee, "returned", "Finish week 2 first.")
    complete_phase_one(mentee, pass_quizzes=True)
    review(client, mentee, "signed_off")
    assert list(PhaseReview.objects.values_list("decision", flat=True)) == ["returned", "signed_off"]
    assert Certificate.objects.filter(enrolment=mentee, phase__number=1, revoked_at__isnull=True).exists()


def test_the_readme_draws_the_lifecycle_from_the_table():
    assert transition_table() in (REPO / "mentoring" / "README.md").read_text()
