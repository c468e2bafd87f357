"""Nowhere does the product show a person's e-mail address to another person as their name: a person
who gave no name is "Unnamed user #<id>" (`User.display_name`, its SQL and value twins agree), e-mails
greet them by `greeting_name`, and API fields that name a person hold a name — an e-mail address only
in a field (or on a page) labelled as one."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import PERSON_NAME_FIELDS, User, display_name_expression, display_name_of
from curriculum.models import Week
from mentoring.services import feedback_create
from notifications.models import Email
from tests.factories import UserFactory
from tests.mentoring.conftest import enrol


@pytest.mark.django_db
def test_a_person_without_a_name_is_shown_by_number_never_by_their_email():
    people = [
        UserFactory(username="ada", email="ada@example.com", name=" Ada L. "),
        UserFactory(username="grace", email="grace@example.com", first_name="Grace", last_name="Hopper"),
        UserFactory(username="bob", email="bob@example.com"),
        UserFactory(username="eve", email="eve@example.com", name="  ", first_name=" "),
    ]
    shown = {user.pk: user.display_name for user in people}
    assert shown[people[0].pk] == "Ada L."
    assert shown[people[1].pk] == "Grace Hopper"
    assert shown[people[2].pk] == f"Unnamed user #{people[2].pk}"
    assert shown[people[3].pk] == f"Unnamed user #{people[3].pk}"
    assert str(people[2]) == shown[people[2].pk]
    in_sql = dict(User.objects.annotate(shown=display_name_expression()).values_list("pk", "shown"))
    as_values = {row[-1]: display_name_of(row) for row in User.objects.values_list(*PERSON_NAME_FIELDS)}
    assert in_sql == as_values == shown
    assert not any("@" in name for name in shown.values())


@pytest.fixture
def nameless_pair(db):
    """A learner and their mentor, neither of whom gave a name."""
    from accounts.services import mentor_group

    mentor = UserFactory(username="m", email="mentor@example.com")
    mentor.groups.add(mentor_group())
    learner = UserFactory(username="l", email="learner@example.com")
    return enrol(learner, mentor=mentor, start=date.today()), mentor


@pytest.mark.django_db
def test_e_mails_greet_and_name_without_e_mail_addresses(nameless_pair, celery_eager):
    enrolment, mentor = nameless_pair
    feedback_create(author=mentor, enrolment=enrolment, week=Week.objects.get(number=1), body="Nice.")
    email = Email.objects.get(kind="week_feedback")
    assert email.text.startswith("Hello there,")
    assert "mentor@example.com" not in email.text
    assert "mentor@example.com" not in email.html
    assert "learner@example.com" not in email.text


@pytest.mark.django_db
def test_the_api_names_the_reviewer_and_the_learner_by_name(nameless_pair):
    """`"reviewer": "mentor@example.com"` was the answer: the reviewer's name (or their number) now."""
    enrolment, mentor = nameless_pair
    api = APIClient()
    api.force_authenticate(mentor)
    url = reverse("api-mentee-phase-review", args=[enrolment.pk, 1])
    response = api.post(url, {"decision": "returned", "comments": "More tests."}, format="json")
    assert response.status_code == 201
    assert response.json()["reviewer"] == f"Unnamed user #{mentor.pk}"
    listed = api.get(reverse("api-mentee-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    row = next(item for item in rows if item.get("email") == "learner@example.com")
    assert row["learner"] == f"Unnamed user #{enrolment.learner_id}"  # the address only as "email"


@pytest.mark.django_db
def test_the_mentors_table_names_a_nameless_learner_and_labels_the_address(client, nameless_pair):
    enrolment, mentor = nameless_pair
    client.force_login(mentor)
    table = client.get(reverse("mentoring:dashboard")).content.decode()
    assert f"Unnamed user #{enrolment.learner_id}" in table
    assert "learner@example.com" not in table
    page = client.get(reverse("mentoring:learner", args=[enrolment.pk])).content.decode()
    assert "<h1>Unnamed user #" in page
    assert 'E-mail address: <a href="mailto:learner@example.com">' in page
