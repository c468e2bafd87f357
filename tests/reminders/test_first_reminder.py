"""A new account's first weekly e-mails come at its own slot (Monday 08:00 in its zone), whichever way
it was made: the sign-up form (tests/accounts/test_preferences.py), a provider's sign-up
(tests/accounts/test_sso.py), onboarding from a cohort's CSV and admin's "add user". Before, the last
three left the times empty, "due at once": a cohort onboarded on a Thursday afternoon had its first
reminder at the next quarter-hour beat, whatever the hour."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import User
from invitations import services as invitations
from progress.models import Enrolment
from reminders.selectors import reminder_candidates
from tests.invitations.conftest import cohort  # noqa: F401 (the fixture)

THURSDAY_AFTERNOON = datetime(2026, 12, 10, 15, 0, tzinfo=ZoneInfo("UTC"))
NEXT_MONDAY_8 = datetime(2026, 12, 14, 8, 0, tzinfo=ZoneInfo("UTC"))  # the site's zone (UTC)


@pytest.mark.django_db
def test_a_learner_onboarded_from_a_cohort_is_reminded_at_their_first_monday_morning(cohort, mentor, staff):  # noqa: F811
    with freeze_time(THURSDAY_AFTERNOON):
        invitations.learner_onboard(
            name="Grace", email="grace@example.org", cohort=cohort, mentor=mentor, invited_by=staff
        )
    grace = User.objects.get(email="grace@example.org")
    assert grace.reminder_due_at == grace.digest_due_at == NEXT_MONDAY_8
    enrolment = Enrolment.objects.get(learner=grace)
    assert not reminder_candidates(due_by=THURSDAY_AFTERNOON).filter(pk=enrolment.pk).exists()


@pytest.mark.django_db
def test_an_account_staff_add_in_admin_gets_its_first_slot(client, staff):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    client.force_login(staff)
    with freeze_time(THURSDAY_AFTERNOON):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {"username": "newmentor", "password1": "a long enough passphrase 42",
             "password2": "a long enough passphrase 42", "usable_password": "true"},
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    added = User.objects.get(username="newmentor")
    assert added.reminder_due_at == added.digest_due_at == NEXT_MONDAY_8
