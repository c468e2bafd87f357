"""A repository address is shown to mentors and on the public portfolio: no `user:pass@`, and no
private, loopback or link-local host (IP literals in any form, local names). The model's validator
refuses them, so the service, the page and the API all do."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from projects import services
from projects.models import Version
from projects.repository_urls import repository_url_problem
from tests.projects.conftest import WEEK, project

REFUSED = [
    "https://ada:hunter2@github.com/ada/bench",
    "https://token@github.com/ada/bench",
    "https://127.0.0.1/repo",
    "https://10.1.2.3/repo",
    "https://172.16.0.1/repo",
    "https://192.168.1.10/repo",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/repo",
    "https://0.0.0.0/repo",
    "https://[::1]/repo",
    "https://[fe80::1]/repo",
    "https://[fd00::1]/repo",
    "https://[::ffff:127.0.0.1]/repo",
    "https://localhost/repo",
    "https://git.localhost/repo",
    "https://nas.local/repo",
    "https://gitlab.corp.internal/repo",
]
ACCEPTED = [
    "https://github.com/ada/bench",
    "https://gitlab.com/ada/bench.git",
    "https://140.82.121.4/ada/bench",
    "https://[2606:4700:4700::1111]/repo",
    "https://codeberg.org/ada/bench",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_rule_refuses_user_info_and_private_or_local_hosts(url):
    assert repository_url_problem(url)


@pytest.mark.parametrize("url", ACCEPTED)
def test_the_rule_accepts_public_addresses(url):
    assert repository_url_problem(url) is None


@pytest.mark.parametrize("url", ["127.1", "2130706433", "0x7f000001", "10.1"])
def test_short_and_numeric_ipv4_forms_are_read_as_the_addresses_they_are(url):
    assert repository_url_problem(f"https://{url}/repo")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["https://ada:pw@github.com/a/b", "https://169.254.169.254/x", "https://[::1]/x"]
)
def test_every_path_refuses_them(client, learner, enrolment, url):
    with pytest.raises(ValidationError) as refused:
        services.draft_save(learner=learner, project=project(), repository_url=url, commit="", report="")
    assert "repository_url" in refused.value.message_dict

    api = APIClient()
    api.force_authenticate(learner)
    response = api.post(
        "/api/v1/me/project-versions/", {"project": project().pk, "repository_url": url}, format="json"
    )
    assert response.status_code == 400
    assert "repository_url" in response.json()

    client.force_login(learner)
    page = client.post(f"/projects/weeks/{WEEK}/draft/", {"repository_url": url, "commit": "", "report": "x"})
    assert page.status_code in (200, 400)
    assert not Version.objects.filter(repository_url=url).exists()
