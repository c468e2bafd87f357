import pytest
from django.contrib import admin
from django.urls import reverse

from curriculum.models import Phase, Resource, Week

CURRICULUM_MODELS = [Phase, Week, Resource]


def admin_urls(model, obj) -> list[str]:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    return [*urls, reverse(f"{name}_change", args=[obj.pk])] if obj else urls


@pytest.fixture
def resource(db):
    return Resource.objects.create(week=Week.objects.get(number=1), title="Docs", url="https://example.com/")


def first_object(model):
    return model._default_manager.order_by("pk").first()


@pytest.mark.django_db
def test_every_registered_model_has_admin_pages_that_render_for_staff(client, rf, staff, mentor, resource):
    client.force_login(staff)
    request = rf.get("/admin/")
    request.user = staff
    for model, model_admin in admin.site._registry.items():
        for url in admin_urls(model, first_object(model)):
            addable = model_admin.has_add_permission(request)
            expected = 403 if url.endswith("/add/") and not addable else 200
            assert client.get(url).status_code == expected, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "learner", "mentor"])
def test_admin_pages_are_refused_to_non_staff(client, role, request, resource):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for model in CURRICULUM_MODELS:
        for url in admin_urls(model, first_object(model)):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_admin_refuses_a_week_in_an_earlier_phase_than_the_week_before(client, staff):
    client.force_login(staff)
    week = Week.objects.get(number=23)
    response = client.post(
        reverse("admin:curriculum_week_change", args=[week.pk]),
        {
            "number": 23,
            "phase": Phase.objects.get(number=3).pk,
            "topic": week.topic,
            "focus_area": week.focus_area,
            "summary": "",
            "learning_objectives": "",
            "estimated_hours": 8,
            "resources-TOTAL_FORMS": 0,
            "resources-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "cannot be in a later phase" in response.content.decode()
    week.refresh_from_db()
    assert week.phase.number == 2


@pytest.mark.django_db
def test_admin_searches_and_filters_weeks(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:curriculum_week_changelist"), {"q": "Kubernetes"})
    assert "Kubernetes for ML Workloads" in response.content.decode()
    response = client.get(reverse("admin:curriculum_week_changelist"), {"phase__id__exact": 3})
    assert response.context["cl"].result_count == 14
