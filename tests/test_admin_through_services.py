"""Records that only services write are read-only in admin: staff cannot record a sign-off without its
checks, certificate and notice, nor feedback without its notice, nor week progress without its
standing. They act on the product's pages, which call the services."""

from datetime import date

import pytest
from django.urls import reverse

from credentials.models import Certificate
from curriculum.models import Phase, Week
from mentoring.models import PhaseReview, WeekFeedback
from notifications.models import Notice
from progress.models import WeekProgress
from progress.services import enrolment_create

pytestmark = pytest.mark.django_db

MODELS = [("mentoring", "phasereview"), ("mentoring", "weekfeedback"), ("progress", "weekprogress")]


@pytest.fixture
def enrolment(learner):
    return enrolment_create(learner=learner, start_date=date.today())


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_staff_read_the_list_but_cannot_add(client, staff, app, model):
    client.force_login(staff)
    listing = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert listing.status_code == 200
    assert "Read-only:" in listing.content.decode()
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403


def test_a_sign_off_cannot_be_recorded_in_admin(client, staff, enrolment):
    client.force_login(staff)
    phase = Phase.objects.get(number=1)
    response = client.post(
        reverse("admin:mentoring_phasereview_add"),
        {
            "enrolment": enrolment.pk,
            "phase": phase.pk,
            "decision": "signed_off",
            "comments": "",
            "reviewer": staff.pk,
        },
    )
    assert response.status_code == 403
    assert not PhaseReview.objects.exists()
    assert not Certificate.objects.exists()
    assert not Notice.objects.filter(recipient=enrolment.learner).exists()


def test_feedback_and_progress_cannot_be_changed_in_admin(client, staff, mentor, enrolment):
    week = Week.objects.get(number=1)
    feedback = WeekFeedback.objects.create(enrolment=enrolment, week=week, author=mentor, body="Good start")
    progress = WeekProgress.objects.create(enrolment=enrolment, week=week, status="in_progress")
    client.force_login(staff)
    change = client.post(
        reverse("admin:mentoring_weekfeedback_change", args=[feedback.pk]), {"body": "Changed"}
    )
    assert change.status_code == 403
    delete = client.post(reverse("admin:progress_weekprogress_delete", args=[progress.pk]), {"post": "yes"})
    assert delete.status_code == 403
    feedback.refresh_from_db()
    assert feedback.body == "Good start"
    assert WeekProgress.objects.filter(pk=progress.pk).exists()
