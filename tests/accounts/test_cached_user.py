"""The logged-in user is kept in the shared cache between requests (accounts.backends): a repeated request
reads no user row, and every change that matters for access takes effect on the very next request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User


@pytest.fixture
def mentor_client(mentor) -> Client:
    client = Client()
    client.force_login(mentor)
    assert client.get(reverse("mentoring:dashboard")).status_code == 200  # the user is cached now
    return client


def user_rows_read(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return [q["sql"] for q in queries.captured_queries if User._meta.db_table in q["sql"]]


@pytest.mark.django_db
def test_a_repeated_request_reads_no_user_row(mentor_client):
    assert user_rows_read(mentor_client, reverse("ping")) == []
    assert user_rows_read(mentor_client, reverse("mentoring:dashboard")) == []


@pytest.mark.django_db
def test_leaving_the_mentors_group_takes_the_mentor_pages_away_at_once(mentor_client, mentor):
    mentor.groups.remove(Group.objects.get(name=User.MENTOR_GROUP))
    assert mentor_client.get(reverse("mentoring:dashboard")).status_code == 403


@pytest.mark.django_db
def test_joining_the_mentors_group_gives_the_mentor_pages_at_once(client, learner):
    client.force_login(learner)
    assert client.get(reverse("mentoring:dashboard")).status_code == 403
    Group.objects.get(name=User.MENTOR_GROUP).user_set.add(learner)  # from the group's side
    assert client.get(reverse("mentoring:dashboard")).status_code == 200


def deactivate(user: User) -> None:
    user.is_active = False


def change_password(user: User) -> None:
    user.set_password("a-brand-new-passphrase-42")


@pytest.mark.django_db
@pytest.mark.parametrize("change", [deactivate, change_password])
def test_deactivation_or_a_new_password_ends_the_users_sessions_at_once(mentor_client, mentor, change):
    change(mentor)
    mentor.save()
    response = mentor_client.get(reverse("mentoring:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_deleted_user_is_logged_out(mentor_client, mentor):
    mentor.delete()
    assert mentor_client.get(reverse("mentoring:dashboard")).status_code == 302
