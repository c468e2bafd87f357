"""Accepted projects on certificates and portfolios: the sign-off project's title on the phase
certificate; on the portfolio, each accepted project only when the learner shows it, with their summary,
the rubric total, the repository, and their mentor's endorsement."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from credentials import portfolio_services
from credentials.models import Endorsement
from tests.credentials.conftest import sign_off
from tests.projects.conftest import accept_project


@pytest.mark.django_db
def test_the_phase_certificate_names_the_accepted_project(mentor, mentee):
    certificate = sign_off(mentee, 1, by=mentor)
    assert certificate.project_title
    page = Client().get(reverse("credentials:verify", args=[certificate.public_id])).content.decode()
    assert "Accepted project" in page
    assert certificate.project_title in page
    data = Client().get(reverse("api-certificate-verify", args=[certificate.public_id])).json()
    assert data["project_title"] == certificate.project_title


@pytest.mark.django_db
def test_a_project_shows_on_the_portfolio_only_when_the_learner_chooses(client, learner, mentee):
    version = accept_project(mentee, week=21)
    portfolio = portfolio_services.portfolio_for(learner=learner)
    portfolio_services.portfolio_update(portfolio=portfolio, learner=learner, is_public=True, slug="ada")
    assert version.project.title not in Client().get("/people/ada/").content.decode()

    client.force_login(learner)
    page = client.get(reverse("credentials:portfolio")).content.decode()
    assert f"Show “{version.project.title}”" in page
    form = client.get(reverse("credentials:portfolio")).context["form"]
    data = {name: form.initial.get(name, form[name].value()) for name in form.fields}
    data.update({
        "is_public": "on", f"project_{version.pk}_public": "on",
        f"project_{version.pk}_summary": "A benchmark harness for three models.",
    })  # fmt: skip
    data = {key: value for key, value in data.items() if value not in (None, False)}
    assert client.post(reverse("credentials:portfolio"), data).status_code == 302

    public = Client().get("/people/ada/").content.decode()
    assert version.project.title in public
    assert "A benchmark harness for three models." in public
    assert "https://github.com/ada/bench" in public
    assert f"rubric total {version.review.total_points} points" in public


@pytest.mark.django_db
def test_the_mentor_endorses_and_only_the_mentor(client, learner, mentor, other_mentor, mentee):
    version = accept_project(mentee, week=21)
    with pytest.raises(PermissionDenied):
        portfolio_services.endorsement_save(mentor=other_mentor, version_id=version.pk, text="Great.")
    with pytest.raises(PermissionDenied):
        portfolio_services.endorsement_save(mentor=learner, version_id=version.pk, text="I am great.")
    with pytest.raises(ValidationError):
        portfolio_services.endorsement_save(mentor=mentor, version_id=version.pk, text="  ")

    url = reverse("credentials:endorse", args=[version.pk])
    client.force_login(other_mentor)
    assert client.get(url).status_code == 404
    client.force_login(mentor)
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "Careful, well-tested work."}).status_code == 302
    assert client.post(url, {"text": "Careful, well-tested, documented work."}).status_code == 302
    endorsement = Endorsement.objects.get()
    assert endorsement.text == "Careful, well-tested, documented work."
    assert endorsement.mentor_name == "Grace Hopper"

    portfolio_services.portfolio_update(
        portfolio=portfolio_services.portfolio_for(learner=learner),
        learner=learner,
        is_public=True,
        slug="ada",
    )
    portfolio_services.portfolio_projects_set(
        portfolio=portfolio_services.portfolio_for(learner=learner),
        learner=learner,
        choices={version.pk: (True, "")},
    )
    public = Client().get("/people/ada/").content.decode()
    assert "Careful, well-tested, documented work." in public
    assert "Grace Hopper, mentor" in public


@pytest.mark.django_db
def test_a_learner_cannot_show_someone_elses_project(client, other_learner, mentee):
    version = accept_project(mentee, week=21)
    client.force_login(other_learner)
    response = client.patch(
        reverse("api-my-portfolio"), {"projects": [{"id": version.pk, "public": True}]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "projects" in response.json()


@pytest.mark.django_db
def test_who_may_endorse_an_accepted_project(learner, other_learner, mentor, other_mentor, staff, mentee):
    """The reviewer's rule (projects.selectors.can_review): the enrolment's current mentor, or staff."""
    from mentoring.services import mentees_assign
    from tests.factories import MentorFactory

    version = accept_project(mentee, week=21)
    url = reverse("credentials:endorse", args=[version.pk])
    assert Client().get(url).status_code == 302  # to log in
    expected = {learner: 404, other_learner: 404, mentor: 200, other_mentor: 404, staff: 200}
    for user, status in expected.items():
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status, user
    former = MentorFactory(username="former")
    mentees_assign(mentor=former, enrolment_ids=[mentee.pk])
    mentees_assign(mentor=mentor, enrolment_ids=[mentee.pk])  # the former mentor's access ended
    client = Client()
    client.force_login(former)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_reviewer_finds_the_endorsement_from_the_version_page(client, learner, mentor, mentee):
    version = accept_project(mentee, week=21)
    endorse = reverse("credentials:endorse", args=[version.pk])
    client.force_login(mentor)
    assert endorse in client.get(version.get_absolute_url()).content.decode()
    client.force_login(learner)
    assert endorse not in client.get(version.get_absolute_url()).content.decode()
