"""Accounts with django-allauth: the site's templates, e-mail verification, password reset, rate limits."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User, greeting_name_of
from tests.factories import PASSWORD
from tests.outbox import outbox_sent_here


@pytest.mark.django_db
def test_the_login_page_uses_the_site_layout(client):
    page = client.get(reverse("account_login")).content.decode()
    assert 'class="site-header"' in page
    assert 'class="button"' in page


@pytest.mark.django_db
def test_sign_up_needs_a_verified_e_mail_address_by_default(client):
    with outbox_sent_here():
        response = client.post(
            reverse("account_signup"),
            {
                "email": "grace@example.com",
                "password1": "another-long-passphrase",
                "password2": "another-long-passphrase",
            },
        )
    assert response.url == reverse("account_email_verification_sent")
    assert "Please Confirm Your Email Address" in mail.outbox[0].subject
    assert client.get(reverse("learner:dashboard")).status_code == 302


@pytest.mark.django_db
def test_sign_up_refuses_a_weak_password_with_a_form_error(client):
    response = client.post(
        reverse("account_signup"), {"email": "weak@example.com", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, learner):
    with outbox_sent_here():
        client.post(reverse("account_reset_password"), {"email": learner.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a-brand-new-passphrase")


TOO_MANY = "Too many failed login attempts"


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(client, learner):
    pages = [
        client.post(reverse("account_login"), {"login": learner.email, "password": "wrong"}).content.decode()
        for _ in range(6)
    ]
    assert TOO_MANY not in pages[0]
    assert TOO_MANY in pages[-1]
    right = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert right.status_code == 429  # still locked out for this e-mail for a while, even with the password
    assert TOO_MANY in right.content.decode()


@pytest.mark.parametrize(
    ("name", "first_name", "last_name", "greeting"),
    [
        ("  Ada L. ", "Ada", "Lovelace", "Ada L."),
        ("", "Ada", "Lovelace", "Ada Lovelace"),
        (" ", "", "Lovelace", "Lovelace"),
        ("", "", "", "there"),
    ],
)
def test_the_greeting_read_from_values_is_the_users(name, first_name, last_name, greeting):
    user = User(name=name, first_name=first_name, last_name=last_name, email="ada@example.com")
    assert user.greeting_name == greeting
    assert greeting_name_of(name=name, first_name=first_name, last_name=last_name) == greeting
