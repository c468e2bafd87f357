"""Names are names (accounts.names): one line of visible text, refused otherwise on every path that sets
one — sign-up, the learner's settings, the admin, the service — and existing rows cleaned by the data
migration (its function called on the current models)."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.names import name_problem
from accounts.services import user_name_set
from progress.services import enrolment_create
from tests.factories import UserFactory

BAD_NAMES = {
    "a line break (a header in an e-mail body)": "Ada\nBcc: attacker@example.com",
    "a carriage return": "Ada\r\nLovelace",
    "a direction override": "Ada \u202egnp.exe",
    "a zero-width space": "Ad\u200ba",
    "a zero-width joiner": "Ada\u200d",
    "a line separator": "Ada\u2028Lovelace",
    "a tab": "Ada\tLovelace",
    "a NUL": "Ada\x00",
    "a bidi isolate": "\u2066Ada\u2069",
    "an over-long name": "A" * 101,
}
GOOD_NAMES = ["Ada Lovelace", "Zoë O'Brien-Łukasiewicz", "李小龙", "José María de la Cruz", "محمد", "A" * 100]


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_the_rule_refuses_what_is_not_one_line_of_visible_text(name):
    assert name_problem(name)


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_the_rule_accepts_names_in_any_script(name):
    assert name_problem(name) is None


@pytest.mark.django_db
def test_the_service_refuses_a_bad_name_and_keeps_the_old_one(learner):
    with pytest.raises(ValidationError, match="direction override"):
        user_name_set(user=learner, name=BAD_NAMES["a direction override"])
    learner.refresh_from_db()
    assert learner.name == ""


@pytest.mark.django_db
def test_sign_up_refuses_a_name_with_a_line_break(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "grace@example.com",
            "name": BAD_NAMES["a line break (a header in an e-mail body)"],
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 200
    assert "A name cannot contain a control character" in response.context["form"].errors["name"][0]
    assert not User.objects.filter(email="grace@example.com").exists()


@pytest.mark.django_db
def test_the_settings_page_refuses_a_direction_override_with_a_form_error(client, learner):
    from django.utils import timezone

    enrolment_create(learner=learner, start_date=timezone.now().date())
    client.force_login(learner)
    response = client.post(
        reverse("progress:settings"),
        {"name": "Ada \u202eevil", "timezone": "UTC", "reminder_cadence": "weekly"},
    )
    assert response.status_code in (200, 400)
    assert "direction override" in response.content.decode()
    learner.refresh_from_db()
    assert learner.name == ""


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_name_in_any_name_field(client, staff, mentor):
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[mentor.pk])
    form = client.get(url).context["adminform"].form
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {key: value for key, value in data.items() if value is not None}
    data["groups"] = [group.pk for group in mentor.groups.all()]
    data["user_permissions"] = []
    data["date_joined_0"], data["date_joined_1"] = "2026-11-01", "10:00:00"
    data.pop("date_joined", None)
    data.pop("last_login", None)
    for field in ("name", "first_name", "last_name"):
        response = client.post(url, {**data, field: "Mentor\nBcc: x@example.com"})
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors
    mentor.refresh_from_db()
    assert "\n" not in mentor.name + mentor.first_name + mentor.last_name


@pytest.mark.django_db
def test_the_data_migration_cleans_existing_names():
    migration = importlib.import_module("accounts.migrations.0004_names_are_names")
    dirty = UserFactory(username="dirty")
    clean = UserFactory(username="clean", name="Ada Lovelace", first_name="Ada")
    User.objects.filter(pk=dirty.pk).update(  # written before the rule, as old rows were
        name="Ada\nBcc: attacker@example.com\u202e",
        first_name="\u200bAda\t\tLove",
        last_name="L" * 140,
    )
    migration.clean_names(apps, None)
    dirty.refresh_from_db()
    assert dirty.name == "Ada Bcc: attacker@example.com"
    assert dirty.first_name == "Ada Love"
    assert dirty.last_name == "L" * 100
    for user in (dirty, clean):
        user.refresh_from_db()
        user.full_clean(exclude=["password"])  # passes the rule now
    assert User.objects.get(pk=clean.pk).name == "Ada Lovelace"
