"""The enrolment's lifecycle from every path: admin's status field, account deletion, enrolling again.
Each change of status is one of progress.lifecycle's moves; anything else is refused with the reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from notifications.models import Notice
from progress.models import Enrolment
from progress.services import (
    enrolment_create,
    enrolment_leave,
    enrolment_pause,
    enrolment_save_by_staff,
)

DAY = "2026-11-04 09:00"


def _admin_post(client, enrolment: Enrolment, **changes: str):
    url = reverse("admin:progress_enrolment_change", args=[enrolment.pk])
    data = {
        "learner": enrolment.learner_id, "start_date": enrolment.start_date.isoformat(), "pace": "1",
        "timezone": "UTC", "status": enrolment.status, "reminder_cadence": "weekly",
        "schedule_changes-TOTAL_FORMS": "0", "schedule_changes-INITIAL_FORMS": "0",
    }  # fmt: skip
    if enrolment.mentor_id:
        data["mentor"] = enrolment.mentor_id
    return client.post(url, data | changes)


@pytest.mark.django_db
def test_admin_cannot_bring_a_left_enrolment_back_and_says_why(client, staff, learner):
    with freeze_time(DAY):
        enrolment = enrolment_create(learner=learner, start_date=date(2026, 11, 2))
        enrolment_leave(enrolment=enrolment)
        client.force_login(staff)
        response = _admin_post(client, enrolment, status="active")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["status"]
    assert errors == ["The enrolment cannot go from left to active. It is final."]
    enrolment.refresh_from_db()
    assert enrolment.status == "left"


@pytest.mark.django_db
def test_admin_ending_an_enrolment_is_the_learner_s_leaving_and_tells_the_mentor(
    client, staff, learner, mentor
):
    with freeze_time(DAY):
        enrolment = enrolment_create(learner=learner, start_date=date(2026, 11, 2), mentor=mentor)
        enrolment_pause(enrolment=enrolment)
        client.force_login(staff)
        response = _admin_post(client, enrolment, status="left")
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.ended_on, enrolment.paused_on) == (
        "left",
        date(2026, 11, 4),
        date(2026, 11, 4),
    )
    assert Notice.objects.filter(recipient=mentor, kind="learner_left").count() == 1


@pytest.mark.django_db
def test_a_new_enrolment_in_admin_starts_active(client, staff, learner):
    client.force_login(staff)
    response = client.post(
        reverse("admin:progress_enrolment_add"),
        {
            "learner": learner.pk, "start_date": "2026-11-02", "pace": "1", "timezone": "UTC",
            "status": "left", "reminder_cadence": "weekly",
            "schedule_changes-TOTAL_FORMS": "0", "schedule_changes-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == ["A new enrolment starts active."]
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_enrolling_again_names_the_enrolment_before(learner):
    with freeze_time(DAY):
        first = enrolment_create(learner=learner, start_date=date(2026, 11, 2))
        enrolment_leave(enrolment=first)
        second = enrolment_create(learner=learner, start_date=date(2026, 11, 9))
        enrolment_leave(enrolment=second)
        third = enrolment_create(learner=learner, start_date=date(2026, 11, 16))
    assert (first.previous, second.previous, third.previous) == (None, first, second)
    assert first.next == second


@pytest.mark.django_db
def test_a_refused_move_changes_nothing(learner):
    with freeze_time(DAY):
        enrolment = enrolment_create(learner=learner, start_date=date(2026, 11, 2))
        enrolment_leave(enrolment=enrolment)
        with pytest.raises(Exception, match=r"You left the curriculum: enrol again to continue\."):
            enrolment_pause(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.paused_on) == ("left", None)


@pytest.mark.django_db
def test_admin_cannot_move_an_enrolment_to_another_learner(client, staff, learner, other_learner):
    """The learner's quiz record and standing follow their enrolment: an enrolment handed to another
    learner would leave the first one's stale. Admin shows the learner, but it is not a field to edit."""
    enrolment = enrolment_create(learner=learner, start_date=date.today())
    client.force_login(staff)
    form = client.get(reverse("admin:progress_enrolment_change", args=[enrolment.pk]))
    assert form.status_code == 200
    assert 'name="learner"' not in form.content.decode()
    response = _admin_post(client, enrolment, learner=str(other_learner.pk), pace="1.5")
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.learner_id == learner.pk
    assert enrolment.pace == Decimal("1.5")  # the rest of the form is saved as before


@pytest.mark.django_db
def test_staff_s_save_refuses_another_learner(staff, learner, other_learner):
    enrolment = enrolment_create(learner=learner, start_date=date.today())
    enrolment.learner = other_learner
    with pytest.raises(ValidationError) as refusal:
        enrolment_save_by_staff(enrolment=enrolment, changed_by=staff)
    assert refusal.value.message_dict == {"learner": ["An enrolment's learner cannot change."]}
    assert Enrolment.objects.get(pk=enrolment.pk).learner_id == learner.pk


@pytest.mark.django_db
def test_admin_still_chooses_the_learner_of_a_new_enrolment(client, staff, learner):
    client.force_login(staff)
    data = {
        "learner": learner.pk, "start_date": date.today().isoformat(), "pace": "1",
        "timezone": "UTC", "status": "active", "reminder_cadence": "weekly",
        "schedule_changes-TOTAL_FORMS": "0", "schedule_changes-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(reverse("admin:progress_enrolment_add"), data)
    assert response.status_code == 302
    assert Enrolment.objects.get().learner_id == learner.pk
