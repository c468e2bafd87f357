"""A form sent without a valid CSRF token answers the site's own 403 page, styled by its stylesheet
within the Content-Security-Policy (Django's default page relies on an inline style the CSP blocks)."""

import re

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_a_csrf_failure_is_the_sites_styled_page_within_the_csp(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.cookies["csrftoken"] = "x" * 32
    response = client.post(reverse("progress:settings"), {"timezone": "UTC"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be sent" in page
    assert 'rel="stylesheet"' in page
    assert "<style" not in page  # nothing the CSP would block …
    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy
    assert not re.search(r"style=\"", page)  # … no inline style attributes either


@pytest.mark.django_db
def test_without_the_cookie_the_page_says_to_allow_cookies():
    response = Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "a@b.c"})
    assert response.status_code == 403
    assert "allow cookies for this site" in response.content.decode()
