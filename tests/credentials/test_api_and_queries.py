"""The API's "my certificates", and the certificate pages' query counts (constant in the number of
certificates)."""

import pytest
from django.test import Client
from django.urls import reverse

from credentials import services
from credentials.models import Certificate
from tests.credentials.conftest import sign_off


@pytest.mark.django_db
def test_my_certificates_lists_mine_with_their_links(client, learner, other_learner, certificate):
    client.force_login(learner)
    response = client.get(reverse("api-my-certificates"))
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == certificate.public_id
    assert item["status"] == "valid"
    assert item["pdf_url"].endswith(f"/certificates/{certificate.public_id}/certificate.pdf")
    assert item["credential_url"].endswith(f"/verify/{certificate.public_id}/credential.jwt")
    assert item["linkedin_url"].startswith(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
    )
    assert "certUrl=http" in item["linkedin_url"]
    assert f"issueYear={certificate.issued_at.year}" in item["linkedin_url"]

    client.force_login(other_learner)
    assert client.get(reverse("api-my-certificates")).json()["results"] == []
    assert Client().get(reverse("api-my-certificates")).status_code == 401


@pytest.mark.django_db
def test_the_linkedin_link_is_filled_in(client, learner, certificate):
    from urllib.parse import parse_qs, urlsplit

    client.force_login(learner)
    page = client.get(reverse("credentials:certificate", args=[certificate.public_id])).content.decode()
    assert "Add to LinkedIn profile" in page
    link = next(item["linkedin_url"] for item in client.get(reverse("api-my-certificates")).json()["results"])
    query = parse_qs(urlsplit(link).query)
    assert query["name"] == [certificate.title]
    assert query["issueMonth"] == [str(certificate.issued_at.month)]
    assert query["certId"] == [certificate.public_id]
    assert query["certUrl"][0].endswith(f"/verify/{certificate.public_id}/")


def more_certificates(first, mentee, mentor, staff) -> None:
    """Three phases signed off, the curriculum certificate, a revoked and re-issued one."""
    sign_off(mentee, 2, by=mentor)
    sign_off(mentee, 3, by=mentor)
    services.certificate_revoke(certificate=first, by=staff, reason="Wrong name.")
    services.certificate_reissue(certificate=first, by=staff)
    Certificate.objects.update(in_portfolio=True)


@pytest.mark.django_db
def test_the_pages_take_a_constant_number_of_queries(
    client, learner, mentor, staff, mentee, certificate, django_assert_max_num_queries
):
    from credentials.portfolio_services import portfolio_for, portfolio_update

    portfolio_update(portfolio=portfolio_for(learner=learner), learner=learner, is_public=True, slug="ada")
    client.force_login(learner)
    pages = [
        reverse("credentials:mine"), reverse("credentials:portfolio"), reverse("credentials:portfolio-print"),
        reverse("credentials:portfolio-export"), reverse("api-my-certificates"), reverse("api-my-portfolio"),
    ]  # fmt: skip
    public = [reverse("credentials:portfolio-public", args=["ada"]), reverse("credentials:status-list")]
    counts = {}
    for url in pages:
        with django_assert_max_num_queries(10) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    for url in public:
        with django_assert_max_num_queries(10) as captured:
            assert Client().get(url).status_code == 200
        counts[url] = len(captured)

    more_certificates(certificate, mentee, mentor, staff)
    assert Certificate.objects.count() == 5
    for url in pages:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)
    for url in public:
        with django_assert_max_num_queries(counts[url]):
            Client().get(url)
    verify = reverse("credentials:verify", args=[Certificate.objects.first().public_id])  # type: ignore[union-attr]
    with django_assert_max_num_queries(4):
        Client().get(verify)
