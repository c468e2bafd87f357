"""What a credential gives away: its header names the key by `kid` only (never the key itself, which a
careless verifier would trust), and its place in the revocation list is random, not the row id that
would tell how many certificates exist and in what order they were issued."""

import importlib
import json
import warnings

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt as joserfc_jwt

from credentials import services
from credentials.models import STATUS_LIST_BITS, Certificate
from curriculum.models import Phase
from progress.services import enrolment_create
from tests.credentials.test_credential import download, published_keys
from tests.factories import UserFactory

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def header_of(token: str) -> dict:
    from credentials.signing import b64url_decode

    return json.loads(b64url_decode(token.split(".")[0]))


@pytest.mark.django_db
def test_the_header_names_the_published_key_by_kid_and_carries_no_key(certificate):
    anonymous = Client()
    token = download(anonymous, certificate)
    header = header_of(token)
    assert set(header) == {"alg", "typ", "kid"}
    keys = published_keys(anonymous)
    key = keys.get_by_kid(header["kid"])  # the verifier finds the key by its id in the published set
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert (
            joserfc_jwt.decode(token, key, algorithms=["EdDSA"])
            .claims["id"]
            .endswith(reverse("credentials:verify", args=[certificate.public_id]))
        )
    status_list = anonymous.get(reverse("credentials:status-list")).content.decode()
    assert "jwk" not in header_of(status_list)


def issue(n: int, mentor, first_number: int = 0) -> list[Certificate]:
    phase = Phase.objects.get(number=1)
    issued = []
    for i in range(first_number, first_number + n):
        learner = UserFactory(username=f"holder{i}")
        enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
        certificate, created = services.phase_certificate_issue(
            enrolment=enrolment, phase=phase, signed_by=mentor
        )
        assert created
        issued.append(certificate)
    return issued


@pytest.mark.django_db
def test_revocation_list_positions_are_random_and_unique(mentor):
    certificates = issue(8, mentor)
    indexes = [c.status_index for c in certificates]
    assert len(set(indexes)) == 8
    assert all(0 <= index < STATUS_LIST_BITS for index in indexes)
    assert indexes != [c.pk for c in certificates]
    assert indexes != sorted(indexes) or max(indexes) - min(indexes) > 1000  # not a sequence


@pytest.mark.django_db
def test_a_taken_position_is_drawn_again(mentor, monkeypatch):
    [first] = issue(1, mentor)
    draws = iter([first.status_index, first.status_index, 4242])
    drawn = lambda: next(draws)  # noqa: E731
    monkeypatch.setattr(Certificate._meta.get_field("status_index"), "_get_default", drawn)
    monkeypatch.setattr("credentials.services.new_status_index", drawn)
    [second] = issue(1, mentor, first_number=1)
    assert Certificate.objects.get(pk=second.pk).status_index == 4242


@pytest.mark.django_db
def test_the_migration_keeps_the_index_existing_credentials_name(certificate):
    """Certificates issued before keep their row id: the credentials their learners hold name it."""
    migration = importlib.import_module("credentials.migrations.0004_random_status_index")
    migration.keep_published_indexes(apps, None)
    assert Certificate.objects.get(pk=certificate.pk).status_index == certificate.pk
