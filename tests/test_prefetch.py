"""One cache round trip per cached page (lms.prefetch): the session, the user and the page are read
together, using a user hint cookie that is never trusted."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from redis.connection import AbstractConnection

from accounts.backends import cached_user_keys
from lms import page_cache, prefetch
from lms.prefetch import USER_HINT_COOKIE, PrefetchMiddleware
from progress.services import enrolment_create
from tests.test_page_cache import without_csrf_tokens

START = date(2026, 11, 2)


@pytest.fixture
def count_redis_commands(monkeypatch):
    """Every command sent to Redis, by name (counted on the connection: lms.cache sends its MGET there)."""
    sent: list[str] = []
    original = AbstractConnection.send_command

    def counting(self, *args, **options):
        sent.append(str(args[0]))
        return original(self, *args, **options)

    monkeypatch.setattr(AbstractConnection, "send_command", counting)
    return sent


def enrolled_client(user, start: date = START) -> Client:
    with freeze_time(start):
        enrolment_create(learner=user, start_date=start)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@freeze_time("2026-11-18 12:00")
def test_a_repeated_visit_reads_the_cache_once_and_the_database_never(learner, count_redis_commands):
    client = enrolled_client(learner)
    first = client.get(reverse("progress:dashboard"))
    assert client.cookies[USER_HINT_COOKIE].value == str(learner.pk)  # set by the first response
    client.get(reverse("progress:dashboard"))  # now with the hint: stored with the same keys

    count_redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("progress:dashboard"))
    assert response.status_code == 200
    assert count_redis_commands == ["MGET"]
    assert queries.captured_queries == []
    assert without_csrf_tokens(response.content.decode()) == without_csrf_tokens(first.content.decode())


@pytest.mark.django_db
@freeze_time("2026-11-18 12:00")
def test_a_hint_naming_another_user_changes_nothing_but_the_hint(learner, other_learner):
    other = enrolled_client(other_learner, start=date(2026, 10, 12))  # three weeks ahead
    their_page = without_csrf_tokens(other.get(reverse("progress:dashboard")).content.decode())
    client = enrolled_client(learner)
    own_page = without_csrf_tokens(client.get(reverse("progress:dashboard")).content.decode())
    assert own_page != their_page
    client.cookies[USER_HINT_COOKIE] = str(other_learner.pk)

    response = client.get(reverse("progress:dashboard"))
    assert without_csrf_tokens(response.content.decode()) == own_page
    assert response.wsgi_request.user == learner
    assert response.cookies[USER_HINT_COOKIE].value == str(learner.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("hint", ["abc", "-1", "²", "1" * 40, ""])
def test_a_malformed_hint_is_ignored(learner, hint):
    client = enrolled_client(learner)
    client.cookies[USER_HINT_COOKIE] = hint
    response = client.get(reverse("progress:dashboard"))
    assert response.status_code == 200
    assert response.cookies[USER_HINT_COOKIE].value == str(learner.pk)


@pytest.mark.django_db
def test_logging_out_drops_the_hint(learner):
    client = enrolled_client(learner)
    client.get(reverse("progress:dashboard"))
    response = client.post(reverse("account_logout"))
    assert response.cookies[USER_HINT_COOKIE].value == ""
    assert response.cookies[USER_HINT_COOKIE]["max-age"] == 0
    assert client.get(reverse("progress:dashboard")).status_code == 302  # to the log-in page


@pytest.mark.django_db
def test_a_write_during_the_request_drops_what_was_prefetched(rf, learner):
    seen: list[object] = []
    keys = cached_user_keys(learner.pk)

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(prefetch.lookup(keys) is not None)
        page_cache.bump([page_cache.learner_scope(learner.pk)])
        seen.append(prefetch.lookup(keys))
        return HttpResponse("ok")

    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "k" * 32
    request.COOKIES[USER_HINT_COOKIE] = str(learner.pk)
    PrefetchMiddleware(view)(request)
    assert seen == [True, None]
    assert prefetch.lookup(keys) is None  # nothing outlives the request
