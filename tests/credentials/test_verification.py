"""The public verification page and JSON: anyone, only the listed facts, noindex unless the learner lists
the certificate on a public portfolio; a revocation shows everywhere; unknown or malformed ids are 404s."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from credentials import services
from credentials.models import Certificate, Portfolio
from credentials.openbadges import is_revoked_in

MALFORMED = [
    "x",
    "0",
    "1",
    "A" * 21,
    "A" * 23,
    "A" * 500,
    "AAAAAAAAAAAAAAAAAAAAA%",
    "AAAAAAAAAAAAAAAAAAAA..",
    "%00%00%00",
    "ÄAAAAAAAAAAAAAAAAAAAAA",
    "../../../../etc/passwd",
    "AAAAAAAAAAAAAAAAAAAAA%2F",
    "null",
    "' OR 1=1 --",
]


def visible_text(html: str) -> str:
    main = re.search(r"<main.*?</main>", html, re.S).group(0)  # type: ignore[union-attr]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.django_db
def test_anyone_sees_only_the_listed_facts(learner, mentee, certificate):
    response = Client().get(reverse("credentials:verify", args=[certificate.public_id]))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    for fact in (
        "This certificate is valid", "Ada Lovelace", "Phase 1: Foundations of Modern AI", "1–22",
        "Grace Hopper", certificate.issued_at.strftime("%-d %B %Y"),
    ):  # fmt: skip
        assert fact in text
    page = response.content.decode()
    # Nothing else personal: no e-mail addresses, no account or enrolment ids, no progress or notes.
    assert learner.email not in page
    assert "mentor@example.com" not in page
    assert "@" not in text
    assert f"/mentoring/learners/{mentee.pk}/" not in page
    assert "Log out" not in page


@pytest.mark.django_db
def test_the_page_is_noindex_unless_listed_on_a_public_portfolio(client, learner, certificate):
    url = reverse("credentials:verify", args=[certificate.public_id])
    response = Client().get(url)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "no-cache" in response["Cache-Control"]

    Portfolio.objects.create(learner=learner, slug="ada", is_public=True)
    Certificate.objects.filter(pk=certificate.pk).update(in_portfolio=True)
    response = Client().get(url)
    assert not response.has_header("X-Robots-Tag")
    assert 'name="robots"' not in response.content.decode()

    Portfolio.objects.filter(learner=learner).update(is_public=False)  # turned off: noindex again
    assert Client().get(url)["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.django_db
def test_the_json_verification_holds_the_same_facts(certificate):
    response = Client().get(reverse("api-certificate-verify", args=[certificate.public_id]))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == certificate.public_id
    assert data["status"] == "valid"
    assert data["recipient_name"] == "Ada Lovelace"
    assert data["achievement"] == "Phase 1: Foundations of Modern AI"
    assert data["weeks"] == [1, 22]
    assert data["signed_by_name"] == "Grace Hopper"
    assert data["revoked_on"] is None
    assert data["verification_url"].endswith(f"/verify/{certificate.public_id}/")
    assert set(data) == {
        "id", "status", "recipient_name", "achievement", "kind", "weeks", "project_title", "issued_on",
        "signed_by_name", "revoked_on", "revocation_reason", "issuer", "verification_url", "credential_url",
        "replaced_by",
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("bad", MALFORMED)
def test_unknown_or_malformed_identifiers_are_404_never_500(certificate, bad):
    client = Client(raise_request_exception=False)
    for prefix in ("/verify/", "/api/v1/credentials/", "/certificates/"):
        for suffix in ("", "/", "/credential.jwt", "/certificate.pdf"):
            response = client.get(prefix + bad + suffix)
            # 301: the common middleware adds the slash; the URL with it is a 404 too.
            assert response.status_code in (301, 302, 404), (prefix + bad + suffix, response.status_code)
    unknown = "B" * 22 if certificate.public_id != "B" * 22 else "C" * 22
    for name in ("credentials:verify", "credentials:credential", "api-certificate-verify"):
        assert client.get(reverse(name, args=[unknown])).status_code == 404


@pytest.mark.django_db
def test_a_revocation_shows_everywhere(client, learner, staff, certificate):
    Portfolio.objects.create(learner=learner, slug="ada", is_public=True)
    Certificate.objects.filter(pk=certificate.pk).update(in_portfolio=True)
    services.certificate_revoke(certificate=certificate, by=staff, reason="Work copied from another learner.")
    anonymous = Client()
    date = certificate.issued_at.strftime("%-d %B %Y")

    page = visible_text(
        anonymous.get(reverse("credentials:verify", args=[certificate.public_id])).content.decode()
    )
    assert "This certificate was revoked" in page
    assert f"Revoked on {date}" in page
    assert "Work copied from another learner." in page

    data = anonymous.get(reverse("api-certificate-verify", args=[certificate.public_id])).json()
    assert data["status"] == "revoked"
    assert data["revocation_reason"] == "Work copied from another learner."
    assert data["revoked_on"] is not None

    portfolio = visible_text(
        anonymous.get(reverse("credentials:portfolio-public", args=["ada"])).content.decode()
    )
    assert "Revoked" in portfolio
    assert "Work copied from another learner." in portfolio

    status = anonymous.get(reverse("credentials:status-list") + "?format=json").json()
    assert is_revoked_in(status["credentialSubject"]["encodedList"], certificate.status_index)

    client.force_login(learner)
    for url in (
        reverse("credentials:mine"),
        reverse("credentials:certificate", args=[certificate.public_id]),
    ):
        text = visible_text(client.get(url).content.decode())
        assert "Revoked" in text
        assert "Work copied from another learner." in text
    api = client.get(reverse("api-my-certificates")).json()["results"][0]
    assert api["status"] == "revoked"
    # The LinkedIn link is not offered for a revoked certificate.
    assert "linkedin.com" not in client.get(
        reverse("credentials:certificate", args=[certificate.public_id])
    ).content.decode()  # fmt: skip


@pytest.mark.django_db
def test_a_reissued_certificate_points_from_the_revoked_one(staff, certificate):
    services.certificate_revoke(certificate=certificate, by=staff, reason="Wrong name.")
    new = services.certificate_reissue(certificate=certificate, by=staff)
    page = Client().get(reverse("credentials:verify", args=[certificate.public_id])).content.decode()
    assert reverse("credentials:verify", args=[new.public_id]) in page
    fresh = Client().get(reverse("credentials:verify", args=[new.public_id])).content.decode()
    assert "This certificate is valid" in fresh
    data = Client().get(reverse("api-certificate-verify", args=[certificate.public_id])).json()
    assert data["replaced_by"] == new.public_id


@pytest.mark.django_db
def test_a_learner_without_a_name_is_never_shown_by_their_email(client, learner, mentor, mentee, settings):
    """Certificates never name a person by their e-mail address, nor "A
    learner": the certificate waits for the learner's name, and a mentor without one signs as the
    organisation."""
    from credentials.portfolio_services import portfolio_for, portfolio_update
    from tests.credentials.conftest import sign_off

    type(learner).objects.filter(pk=learner.pk).update(name="")
    type(mentor).objects.filter(pk=mentor.pk).update(name="")
    mentee.learner.refresh_from_db()
    mentor.refresh_from_db()
    certificate = sign_off(mentee, 1, by=mentor)
    assert certificate.state == "awaiting_name"
    assert certificate.recipient_name == ""
    assert certificate.signed_by_name == settings.SITE_NAME
    for url in (  # not issued: nothing public about it yet
        reverse("credentials:verify", args=[certificate.public_id]),
        reverse("credentials:credential", args=[certificate.public_id]),
        reverse("api-certificate-verify", args=[certificate.public_id]),
    ):
        assert Client().get(url).status_code == 404
    client.force_login(learner)
    page = client.get(reverse("credentials:mine")).content.decode()
    assert "Confirm the name to print" in page
    assert client.post(reverse("credentials:mine"), {"name": "Ada Lovelace"}).status_code == 302
    certificate.refresh_from_db()
    assert (certificate.state, certificate.recipient_name) == ("issued", "Ada Lovelace")
    portfolio_update(portfolio=portfolio_for(learner=learner), learner=learner, is_public=True, slug="anon")
    for url in (
        reverse("credentials:verify", args=[certificate.public_id]),
        reverse("credentials:credential", args=[certificate.public_id]),
        reverse("api-certificate-verify", args=[certificate.public_id]),
        reverse("credentials:portfolio-public", args=["anon"]),
    ):
        body = Client().get(url).content.decode()
        assert learner.email not in body
        assert mentor.email not in body
        assert "A learner" not in body
        assert "A mentor" not in body
