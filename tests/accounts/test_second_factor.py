"""Two-factor authentication (allauth.mfa): log-ins that ask for the second factor (TOTP, a recovery
code; also after single sign-on and for the admin), and staff and mentors required to enrol one
(MFA_REQUIRED_FOR_STAFF_AND_MENTORS) reaching no page of the site before they have."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD
from tests.identity_provider import MENTOR, sso_sign_in
from tests.test_permission_matrix import project_routes, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    """What the person's authenticator app shows now (RFC 6238: 30-second steps, 6 digits)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user) -> str:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def log_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_a_password_log_in_asks_for_the_authenticator_code(client, mentor):
    secret = with_totp(mentor)

    response = log_in_with_password(client, mentor)

    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("mentoring:dashboard")).status_code == 302  # not logged in yet
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200  # a wrong code
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("mentoring:dashboard")).status_code == 200


def test_a_recovery_code_logs_in_once(client, mentor):
    with_totp(mentor)
    code = RecoveryCodes(Authenticator.objects.get(user=mentor, type="recovery_codes")).get_unused_codes()[0]

    log_in_with_password(client, mentor)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get(reverse("mentoring:dashboard")).status_code == 200

    client.post(reverse("account_logout"))
    log_in_with_password(client, mentor)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200  # used: refused
    assert client.get(reverse("mentoring:dashboard")).status_code == 302


def test_the_admin_logs_in_through_the_site_log_in_and_its_second_factor(client, staff):
    secret = with_totp(staff)

    response = client.get("/admin/")
    assert response.url.startswith(reverse("admin:login"))
    response = client.get(response.url)
    assert response.url.startswith(reverse("account_login") + "?next=")  # no admin log-in form of its own
    assert (
        client.post(reverse("admin:login"), {"username": staff.username, "password": PASSWORD}).status_code
        == 302
    )
    assert client.get("/admin/").status_code == 302  # the admin's form posted to: nobody logged in

    log_in_with_password(client, staff)
    assert client.get("/admin/").status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.get("/admin/").status_code == 200


def test_single_sign_on_still_asks_for_the_second_factor(client, identity_provider, sso_settings):
    from tests.factories import MentorFactory

    mentor = MentorFactory(email=MENTOR.email)
    secret = with_totp(mentor)  # the address verified here and by the provider: the same account

    response = sso_sign_in(client, identity_provider, MENTOR)

    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("mentoring:dashboard")).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.get(reverse("mentoring:dashboard")).status_code == 200


def test_an_api_token_is_not_given_for_a_password_alone_when_the_account_has_a_second_factor(client, learner):
    with_totp(learner)
    response = client.post(
        "/api/v1/auth/token/", {"email": learner.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "second factor" in str(response.json())


# --- Required for staff and mentors ---------------------------------------------------------------

SET_UP_PAGES = ("mfa_", "account_logout", "account_reauthenticate", "account_confirm_email")
PROBES = ("healthz", "ping", "favicon", "account_email_verification_sent", "javascript-catalog")


@pytest.mark.parametrize("role", ["mentor", "staff"])
def test_staff_and_mentors_reach_no_page_before_enrolling_a_second_factor(client, settings, role, request):
    """Every URL of the project, filled in as the permission matrix fills them (the learner's enrolment,
    submission, certificate …), but the second factor's set-up and the probes."""
    users, values, enrolment, quiz = request.getfixturevalue("world")
    settings.MFA_REQUIRED_FOR_STAFF_AND_MENTORS = True
    user = users[role]
    client.force_login(user)
    urls = [
        route.url
        for route in project_routes(values, enrolment, quiz)
        if not route.key.startswith(SET_UP_PAGES) and route.key not in PROBES
    ]
    assert "/mentoring/" in urls
    assert "/admin/" in urls

    let_through = []
    for url in urls:
        response = client.get(url)
        expected = 403 if url.startswith("/api/") else 302
        if response.status_code != expected or (expected == 302 and response.url != reverse("mfa_index")):
            let_through.append(f"{url}: {response.status_code} {response.get('Location', '')}")
    assert not let_through, "reached before enrolling a second factor:\n" + "\n".join(let_through)

    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "Set up two-factor authentication first" in page.content.decode()

    TOTP.activate(user, generate_totp_secret())
    assert client.get(reverse("mentoring:dashboard")).status_code == 200


def test_recovery_codes_alone_are_not_a_second_factor(client, settings, mentor):
    settings.MFA_REQUIRED_FOR_STAFF_AND_MENTORS = True
    RecoveryCodes.activate(mentor)
    client.force_login(mentor)
    assert client.get(reverse("mentoring:dashboard")).url == reverse("mfa_index")


def test_learners_are_not_required_to_enrol_one(client, settings, learner):
    settings.MFA_REQUIRED_FOR_STAFF_AND_MENTORS = True
    client.force_login(learner)
    assert client.get(reverse("progress:enrol")).status_code == 200


def test_without_the_setting_nobody_is_required_to(client, mentor):
    client.force_login(mentor)
    assert client.get(reverse("mentoring:dashboard")).status_code == 200


def test_guessing_the_code_is_limited_like_passwords(client, mentor):
    """Failed codes count against the account's failed log-ins (5 in 5 minutes): then even the right
    code is refused."""
    secret = with_totp(mentor)
    log_in_with_password(client, mentor)
    wrong = "111111" if current_code(secret) != "111111" else "222222"
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong})

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("mentoring:dashboard")).status_code == 302


def test_the_api_tells_the_owner_their_second_factor(client, settings, mentor, learner):
    settings.MFA_REQUIRED_FOR_STAFF_AND_MENTORS = True
    with_totp(mentor)
    client.force_login(mentor)
    state = client.get("/api/v1/me/sign-in/").json()["second_factor"]
    assert state == {
        "enabled": True, "methods": ["totp"], "security_keys": 0, "recovery_codes_left": 10, "mandatory": True
    }  # fmt: skip
    client.force_login(learner)
    state = client.get("/api/v1/me/sign-in/").json()["second_factor"]
    assert state["enabled"] is False
    assert state["mandatory"] is False
