"""The mentor table: a second click reverses a column, the sorted column says so, a sort select for
phones; learners shown by their display name; feedback returns to its week."""

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory
from tests.mentoring.conftest import enrol


def learner_names(page: str) -> list[str]:
    return re.findall(r'<td data-label="Learner"><a href="[^"]+">([^<]+)</a>', page)


def header(page: str, label: str) -> str:
    return re.search(rf"<th scope=\"col\"[^>]*><a [^>]*>{label}\b.*?</th>", page, re.S).group(0)


@pytest.fixture
def named(mentor, frozen_today):
    enrol(UserFactory(username="zed", name="Zoë Zimmer"), mentor=mentor, start=date(2026, 11, 23))
    enrol(UserFactory(username="amy", name="amy adams"), mentor=mentor, start=date(2026, 11, 23))
    enrol(
        UserFactory(username="mia", first_name="Mia", last_name="Moss"),
        mentor=mentor,
        start=date(2026, 11, 23),
    )
    bob = UserFactory(username="bob", email="bob@example.com")
    enrol(bob, mentor=mentor, start=date(2026, 11, 23))
    return f"Unnamed user #{bob.pk}"


@pytest.mark.django_db
def test_the_display_name_is_the_given_name_else_the_full_name_else_a_number_never_the_email():
    assert User(name="  Ada L. ", email="ada@example.com").display_name == "Ada L."
    assert User(first_name="Grace", last_name="Hopper", email="g@example.com").display_name == "Grace Hopper"
    assert str(User(pk=7, email="bob@example.com", username="bob")) == "Unnamed user #7"


@pytest.mark.django_db
def test_a_second_click_on_a_sorted_column_reverses_it(client, mentor, named):
    client.force_login(mentor)
    page = client.get(reverse("mentoring:dashboard"), {"sort": "learner"}).content.decode()
    assert learner_names(page) == ["amy adams", "Mia Moss", named, "Zoë Zimmer"]
    learner = header(page, "Learner")
    assert 'aria-sort="ascending"' in learner
    assert "sort=-learner" in learner
    assert "aria-sort" not in header(page, "Behind")
    assert "sort=-weeks_behind" in header(page, "Behind")  # a first click: most behind first

    page = client.get(reverse("mentoring:dashboard"), {"sort": "-learner"}).content.decode()
    assert learner_names(page) == ["Zoë Zimmer", named, "Mia Moss", "amy adams"]
    learner = header(page, "Learner")
    assert 'aria-sort="descending"' in learner
    assert "sort=learner" in learner


@pytest.mark.django_db
def test_the_sort_select_offers_every_order_and_keeps_the_current_one(client, mentor, named):
    client.force_login(mentor)
    page = client.get(reverse("mentoring:dashboard"), {"sort": "-weeks_behind", "flag": ""}).content.decode()
    select = re.search(r'<select id="sort" name="sort">.*?</select>', page, re.S).group(0)
    assert len(re.findall(r"<option ", select)) == 16  # 8 sortable columns, each both ways
    assert '<option value="-weeks_behind" selected>Behind, most first</option>' in select
    assert '<label for="sort">Sort by</label>' in page


@pytest.mark.django_db
def test_an_unknown_sort_is_the_default_order(client, mentor, named):
    client.force_login(mentor)
    page = client.get(reverse("mentoring:dashboard"), {"sort": "password"}).content.decode()
    assert 'aria-sort="descending"' in header(page, "Flags")


@pytest.mark.django_db
def test_feedback_returns_to_the_week_it_is_about(client, mentor, mentee, celery_eager):
    client.force_login(mentor)
    response = client.post(reverse("mentoring:feedback", args=[mentee.pk, 7]), {"body": "Good."})
    assert response.url == reverse("mentoring:learner", args=[mentee.pk]) + "#week-7"


@pytest.mark.django_db
def test_sign_up_asks_for_a_display_name(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ada@example.com",
            "name": " Ada Lovelace ",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    assert str(User.objects.get(email="ada@example.com")) == "Ada Lovelace"
    assert 'name="name"' in client.get(reverse("account_signup")).content.decode()


@pytest.mark.django_db
def test_a_learner_changes_their_name_in_settings(client, learner, mentee):
    client.force_login(learner)
    response = client.post(
        reverse("progress:settings"), {"name": "Ada", "timezone": "UTC", "reminder_cadence": "weekly"}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.display_name == "Ada"
