"""The invitation's link: sets a password once, until it expires; a revoked, used, replaced or
expired link says so (404 or 410, never a 500); resending sends one new e-mail with a new link."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from invitations import services
from invitations.models import Invitation
from notifications.models import Email
from progress.models import Enrolment

PASSWORD = "a-long-and-unusual-passphrase-42"


def link_of(email: Email) -> str:
    return re.search(r"https?://[^/]+(/invitations/[\w-]+/)", email.text)[1]  # type: ignore[index]


@pytest.fixture
def onboarded(cohort, mentor, staff):
    done = services.learner_onboard(
        name="Grace", email="grace@example.org", cohort=cohort, mentor=mentor, invited_by=staff
    )
    return done.invitation, link_of(Email.objects.get(key=services.email_key(done.invitation)))


def test_the_link_sets_a_password_once_and_logs_in(onboarded, client: Client):
    invitation, link = onboarded
    page = client.get(link)
    assert page.status_code == 200
    assert b"Spring 2027" in page.content
    assert b'href="/accounts/login/"' in page.content  # single sign-on is offered on the log-in page
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.user.check_password(PASSWORD)
    assert invitation.user.emailaddress_set.get().verified
    assert client.get("/dashboard/").status_code == 200  # logged in, enrolled

    again = Client().get(link)
    assert again.status_code == 410
    assert b"used already" in again.content
    replay = Client().post(link, {"password1": "another-passphrase-77", "password2": "another-passphrase-77"})
    assert replay.status_code == 410
    invitation.user.refresh_from_db()
    assert invitation.user.check_password(PASSWORD)


def test_a_weak_or_mismatched_password_is_refused_on_the_form(onboarded, client: Client):
    _, link = onboarded
    assert client.post(link, {"password1": "12345678", "password2": "12345678"}).status_code == 400
    assert client.post(link, {"password1": PASSWORD, "password2": PASSWORD + "x"}).status_code == 400
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_expired_link_says_so(onboarded, client: Client):
    invitation, link = onboarded
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link)
    assert response.status_code == 410
    assert b"expired" in response.content
    assert client.post(link, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 410


def test_the_lifetime_comes_from_the_setting(cohort, mentor, staff, settings):
    settings.INVITATION_LIFETIME_DAYS = 3
    done = services.learner_onboard(
        name="", email="x@example.org", cohort=cohort, mentor=None, invited_by=staff
    )
    left = done.invitation.expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < left <= timedelta(days=3)


def test_a_revoked_link_says_so_and_resending_reinstates_with_a_new_link(onboarded, staff, client: Client):
    invitation, link = onboarded
    services.invitation_revoke(invitation_id=invitation.pk, by=staff)
    response = client.get(link)
    assert response.status_code == 410
    assert b"revoked" in response.content
    with pytest.raises(ValidationError, match="revoked already"):
        services.invitation_revoke(invitation_id=invitation.pk, by=staff)

    services.invitation_resend(invitation_id=invitation.pk, by=staff)
    emails = Email.objects.filter(kind="invitation").order_by("id")
    assert [e.key for e in emails] == [f"invitation:{invitation.pk}:1", f"invitation:{invitation.pk}:2"]
    new_link = link_of(emails[1])
    assert new_link != link
    assert client.get(link).status_code == 404  # the first e-mail's link no longer works
    assert client.get(new_link).status_code == 200


def test_an_accepted_invitation_is_neither_resent_nor_revoked(onboarded, staff):
    invitation, link = onboarded
    services.invitation_accept(token=link.split("/")[-2], password=PASSWORD)
    with pytest.raises(ValidationError, match="accepted this invitation already"):
        services.invitation_resend(invitation_id=invitation.pk, by=staff)
    with pytest.raises(ValidationError, match="accepted this invitation already"):
        services.invitation_revoke(invitation_id=invitation.pk, by=staff)
    assert Email.objects.filter(kind="invitation").count() == 1


@pytest.mark.parametrize("token", ["x", "not-a-token-but-long-enough-to-be-looked-up", "é" * 40, "a" * 500])
def test_an_unknown_link_is_not_found(token, client: Client, db):
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 404


def test_logging_in_otherwise_uses_the_invitation(onboarded, client: Client):
    invitation, link = onboarded
    client.force_login(invitation.user)  # e.g. single sign-on with the invited address
    assert client.get(link).status_code == 410
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


def test_onboarding_enrols_through_the_cohort(onboarded, cohort, mentor):
    invitation, _ = onboarded
    enrolment = Enrolment.objects.get(learner=invitation.user)
    assert (enrolment.start_date, enrolment.pace, enrolment.timezone) == (
        cohort.start_date,
        cohort.pace,
        "Europe/Paris",
    )
    assert enrolment.mentor == mentor
    assert enrolment.cohort_membership.cohort == cohort
    assert enrolment.standing.state == "not_started"
