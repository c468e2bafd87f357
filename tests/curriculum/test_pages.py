import pytest
from django.urls import reverse

from curriculum.models import Resource, Week


@pytest.mark.django_db
def test_the_curriculum_page_lists_all_52_weeks_in_constant_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("curriculum:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    for week in Week.objects.all():
        assert week.get_absolute_url() in page
    assert "Essential Math Foundation - Part 1" in page
    assert "Portfolio &amp; Career Development" in page
    assert page.count("<tr>") == 3 + 52  # a header row per phase, a row per week


@pytest.mark.django_db
def test_the_home_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Phase 1" in response.content.decode()


@pytest.mark.django_db
def test_the_week_page_shows_topic_focus_and_resources(client, django_assert_max_num_queries):
    week = Week.objects.get(number=7)
    Resource.objects.create(
        week=week, title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762"
    )
    with django_assert_max_num_queries(3):
        response = client.get(reverse("curriculum:week-detail", args=[7]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Attention Mechanisms - Part 1" in page
    assert "Attention concepts, self-attention basics" in page
    assert "https://arxiv.org/abs/1706.03762" in page


@pytest.mark.django_db
@pytest.mark.parametrize("number", [0, 53, 999])
def test_a_week_that_does_not_exist_is_a_404(client, number):
    assert client.get(reverse("curriculum:week-detail", args=[number])).status_code == 404


@pytest.mark.django_db
def test_the_curriculum_api_is_public(client):
    phases = client.get("/api/v1/phases/").json()
    assert [phase["number"] for phase in phases["results"]] == [1, 2, 3]
    assert sum(len(phase["weeks"]) for phase in phases["results"]) == 52
    week = client.get("/api/v1/weeks/5/").json()
    assert week["topic"] == "Text Processing & Tokenization - Part 1"
    assert client.get("/api/v1/weeks/abc/").status_code == 404
