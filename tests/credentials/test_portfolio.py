"""The portfolio: off by default; public items chosen one by one; anonymous visitors see only those,
and nothing once it is off (on the very next request); an old slug stays the learner's and redirects
to the new one; the learner's export."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from credentials.models import Certificate, Portfolio
from tests.credentials.conftest import sign_off
from tests.factories import UserFactory


def settings_form(client, **changes):
    """POST the settings form with the current values, changed by `changes`."""
    page = client.get(reverse("credentials:portfolio"))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form.initial.get(name, form[name].value()) for name in form.fields}
    data.update(changes)
    data = {key: value for key, value in data.items() if value not in (None, False)}
    return client.post(reverse("credentials:portfolio"), data)


def public_text(slug: str) -> tuple[int, str]:
    response = Client().get(reverse("credentials:portfolio-public", args=[slug]))
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S)
    return response.status_code, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.group(0) if main else ""))


@pytest.mark.django_db
def test_the_portfolio_is_off_by_default_with_a_slug_that_gives_nothing_away(client, learner, certificate):
    client.force_login(learner)
    client.get(reverse("credentials:portfolio"))
    portfolio = Portfolio.objects.get(learner=learner)
    assert portfolio.is_public is False
    assert portfolio.slug.startswith("ada-lovelace-")
    assert "example" not in portfolio.slug
    assert public_text(portfolio.slug)[0] == 404
    assert not Certificate.objects.filter(in_portfolio=True).exists()


@pytest.mark.django_db
def test_visitors_see_only_the_items_the_learner_made_public(client, learner, mentor, mentee, certificate):
    second = sign_off(mentee, 2, by=mentor)
    client.force_login(learner)
    response = settings_form(
        client, is_public="on", slug="ada-lovelace", headline="ML engineer in the making",
        certificates=[certificate.public_id], phases=["2"],
    )  # fmt: skip
    assert response.status_code == 302

    status, text = public_text("ada-lovelace")
    assert status == 200
    assert "Ada Lovelace" in text
    assert "ML engineer in the making" in text
    assert "Phase 1: Foundations of Modern AI" in text  # the certificate shown
    assert "Phase 2: Advanced ML Systems" in text  # the phase shown …
    assert (
        second.public_id not in Client().get("/people/ada-lovelace/").content.decode()
    )  # … not its certificate
    assert learner.email not in text
    # The listed certificate's verification page may now be indexed; the other stays noindex.
    assert (
        not Client()
        .get(reverse("credentials:verify", args=[certificate.public_id]))
        .has_header("X-Robots-Tag")
    )
    assert Client().get(reverse("credentials:verify", args=[second.public_id])).has_header("X-Robots-Tag")


@pytest.mark.django_db
def test_turning_it_off_takes_effect_on_the_next_request(client, learner, certificate):
    client.force_login(learner)
    settings_form(client, is_public="on", slug="ada-lovelace", certificates=[certificate.public_id])
    anonymous = Client()
    first = anonymous.get("/people/ada-lovelace/")
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"]  # no shared cache keeps it after it is off

    settings_form(client, is_public="")
    assert anonymous.get("/people/ada-lovelace/").status_code == 404
    assert "Foundations" not in anonymous.get("/people/ada-lovelace/").content.decode()


@pytest.mark.django_db
def test_a_retired_address_redirects_to_the_new_one_and_nobody_else_can_take_it(
    client, learner, other_learner
):
    client.force_login(learner)
    settings_form(client, is_public="on", slug="ada-lovelace")
    assert public_text("ada-lovelace")[0] == 200
    settings_form(client, slug="countess-ada")
    assert public_text("countess-ada")[0] == 200
    moved = Client().get(reverse("credentials:portfolio-public", args=["ada-lovelace"]))
    assert moved.status_code == 301  # links on CVs follow the learner …
    assert moved["Location"] == reverse("credentials:portfolio-public", args=["countess-ada"])

    other = Client()
    other.force_login(other_learner)
    for address in ("ada-lovelace", "countess-ada"):  # … and nobody poses as them at either address
        taken = settings_form(other, is_public="on", slug=address)
        assert taken.status_code == 400
        assert "This address is taken" in taken.content.decode()
    api = other.patch(reverse("api-my-portfolio"), {"slug": "ada-lovelace"}, content_type="application/json")
    assert api.status_code == 400
    assert api.json() == {"slug": ["This address is taken; choose another."]}
    assert Portfolio.objects.get(learner=other_learner).slug != "ada-lovelace"

    assert settings_form(client, slug="ada-lovelace").status_code == 302  # the owner may take it back
    assert public_text("ada-lovelace")[0] == 200
    assert Client().get("/people/countess-ada/")["Location"] == "/people/ada-lovelace/"


@pytest.mark.django_db
def test_a_retired_address_of_a_portfolio_turned_off_answers_404(client, learner):
    client.force_login(learner)
    settings_form(client, is_public="on", slug="ada-lovelace")
    settings_form(client, slug="countess-ada")
    client.post(reverse("credentials:portfolio"), {"slug": "countess-ada"})  # public: off
    assert Portfolio.objects.get(learner=learner).is_public is False
    assert public_text("ada-lovelace")[0] == 404


@pytest.mark.django_db
@pytest.mark.parametrize("entry", [{"public": True}, {"id": 1}, {}])
def test_a_portfolio_project_entry_without_id_or_public_is_a_400(client, learner, entry):
    client.force_login(learner)
    response = client.patch(
        reverse("api-my-portfolio"), {"projects": [entry]}, content_type="application/json"
    )
    assert response.status_code == 400
    errors = response.json()["projects"]["0"]
    assert set(errors) == {"id", "public"} - set(entry)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug", ["", "a", "Ada", "ada lovelace", "-ada", "ada-", "ada--l", "admin", "x" * 51, "ådå"]
)
def test_a_bad_slug_is_refused_with_a_message(client, learner, slug):
    client.force_login(learner)
    before = Portfolio.objects.filter(learner=learner).values_list("slug", flat=True).first()
    response = settings_form(client, slug=slug)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Portfolio.objects.get(learner=learner).slug != slug or before == slug


@pytest.mark.django_db
def test_a_learner_cannot_list_someone_elses_certificate(client, other_learner, certificate):
    client.force_login(other_learner)
    response = settings_form(client, certificates=[certificate.public_id])
    assert response.status_code == 400
    assert not Certificate.objects.filter(in_portfolio=True).exists()
    api = client.patch(
        reverse("api-my-portfolio"),
        {"shown_certificates": [certificate.public_id]},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert not Certificate.objects.filter(in_portfolio=True).exists()


@pytest.mark.django_db
def test_the_export_holds_the_learners_portfolio_and_certificates(client, learner, certificate):
    client.force_login(learner)
    settings_form(client, is_public="on", slug="ada-lovelace", phases=["1"])
    response = client.get(reverse("credentials:portfolio-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="portfolio.json"'
    data = json.loads(response.content)
    assert data["portfolio"] == {
        "is_public": True, "slug": "ada-lovelace", "headline": "", "shown_phases": [1],
    }  # fmt: skip
    [exported] = data["certificates"]
    assert exported["id"] == certificate.public_id
    assert exported["status"] == "valid"
    assert exported["verification_url"].endswith(f"/verify/{certificate.public_id}/")
    assert [phase["number"] for phase in data["phases_completed"]] == [1]

    printable = client.get(reverse("credentials:portfolio-print"))
    assert printable.status_code == 200
    page = printable.content.decode()
    assert "Phase 1: Foundations of Modern AI" in page
    assert f"/verify/{certificate.public_id}/" in page
    assert 'media="print"' in page


@pytest.mark.django_db
def test_the_portfolio_api_reads_and_changes_the_same_settings(client, learner, certificate):
    client.force_login(learner)
    url = reverse("api-my-portfolio")
    assert client.get(url).json()["is_public"] is False
    change = {
        "is_public": True,
        "slug": "ada-l",
        "shown_certificates": [certificate.public_id],
        "shown_phases": [1],
    }
    response = client.patch(url, change, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["url"].endswith("/people/ada-l/")
    assert public_text("ada-l")[0] == 200
    bad = client.patch(url, {"slug": "Not A Slug", "shown_phases": [3]}, content_type="application/json")
    assert bad.status_code == 400
    assert "slug" in bad.json()
    not_done = client.patch(url, {"shown_phases": [3]}, content_type="application/json")
    assert not_done.status_code == 400
    assert "shown_phases" in not_done.json()


@pytest.mark.django_db
def test_two_learners_cannot_share_a_slug_even_at_once(learner):
    from django.core.exceptions import ValidationError

    from credentials.portfolio_services import portfolio_for, portfolio_update

    other = UserFactory(username="someone")
    portfolio_update(portfolio=portfolio_for(learner=learner), learner=learner, slug="same")
    with pytest.raises(ValidationError):
        portfolio_update(portfolio=portfolio_for(learner=other), learner=other, slug="same")
