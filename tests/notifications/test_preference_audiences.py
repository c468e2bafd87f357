"""A mentor's notice preferences list the mentors' kinds only (until they enrol themselves); the
reminder choices are split: which reminders in Settings, how they reach you in the preferences, each
page linking to the other."""

from datetime import date

import pytest
from django.urls import reverse

from notifications.kinds import KINDS
from progress.services import enrolment_create

LEARNER_KINDS = {kind for kind, item in KINDS.items() if not item.for_mentors}
MENTOR_KINDS = {kind for kind, item in KINDS.items() if item.for_mentors}


def _kinds_on_page(client) -> set[str]:
    return set(client.get(reverse("notifications:preferences")).context["form"].fields)


@pytest.mark.django_db
def test_a_mentor_chooses_only_for_mentors_notices(client, mentor):
    client.force_login(mentor)
    assert _kinds_on_page(client) == MENTOR_KINDS
    api = client.get(reverse("api-notice-preferences")).json()
    assert {row["kind"] for row in api} == MENTOR_KINDS
    refused = client.put(
        reverse("api-notice-preferences"),
        {"choices": {"reminder_weekly": "in_product"}},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "reminder_weekly" in refused.json()


@pytest.mark.django_db
def test_a_mentor_who_enrols_gets_the_learners_kinds_too(client, mentor):
    enrolment_create(learner=mentor, start_date=date.today())
    client.force_login(mentor)
    assert _kinds_on_page(client) == LEARNER_KINDS | MENTOR_KINDS


@pytest.mark.django_db
def test_a_learner_chooses_only_for_learners_notices_and_the_pages_link_each_other(client, learner):
    enrolment_create(learner=learner, start_date=date.today())
    client.force_login(learner)
    page = client.get(reverse("notifications:preferences"))
    assert set(page.context["form"].fields) == LEARNER_KINDS
    assert f'href="{reverse("progress:settings")}"' in page.content.decode()
    settings_page = client.get(reverse("progress:settings")).content.decode()
    assert f'href="{reverse("notifications:preferences")}"' in settings_page
    assert "Which reminders you get" in settings_page
