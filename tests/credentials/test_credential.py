"""The Open Badges 3.0 credential: a VC-JWT signed EdDSA with the site's key, verified here with joserfc
(a JOSE library independent of PyJWT, which signs) against the key set published at its stable URL."""

import base64
import json
import warnings

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from joserfc import jwt as joserfc_jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, OKPKey

from credentials import services
from credentials.openbadges import is_revoked_in
from credentials.signing import b64url, generate_key_text

# joserfc prefers the fully specified "Ed25519" (RFC 9864) to "EdDSA", which OB 3.0 and PyJWT use.
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def published_keys(client: Client) -> KeySet:
    response = client.get(reverse("credentials:jwks"))
    assert response.status_code == 200
    return KeySet.import_key_set(response.json())


def download(client: Client, certificate) -> str:
    response = client.get(reverse("credentials:credential", args=[certificate.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert "attachment" in response["Content-Disposition"]
    return response.content.decode()


def verify(token: str, keys: KeySet | OKPKey):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return joserfc_jwt.decode(token, keys, algorithms=["EdDSA"])


@pytest.mark.django_db
def test_the_credential_verifies_with_the_published_key(certificate):
    anonymous = Client()
    token = download(anonymous, certificate)
    decoded = verify(token, published_keys(anonymous))
    assert decoded.header["alg"] == "EdDSA"
    assert decoded.header["kid"] == published_keys(anonymous).keys[0].kid
    credential = decoded.claims

    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "purl.imsglobal.org/spec/ob/v3p0/context" in credential["@context"][1]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == credential["jti"]
    assert credential["id"].endswith(reverse("credentials:verify", args=[certificate.public_id]))
    assert credential["iss"] == credential["issuer"]["id"]
    assert credential["nbf"] == int(certificate.issued_at.timestamp())
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Ada Lovelace"
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Phase 1: Foundations of Modern AI"
    assert "week 22:" in achievement["criteria"]["narrative"]
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(certificate.pk)
    assert any("Grace Hopper" in item["narrative"] for item in credential["evidence"])
    # The same bytes on every download (the document and Ed25519 are deterministic).
    assert download(anonymous, certificate) == token


@pytest.mark.django_db
def test_the_issuer_profile_and_keys_are_at_the_urls_the_credential_names(settings, certificate):
    anonymous = Client()
    credential = verify(download(anonymous, certificate), published_keys(anonymous)).claims
    issuer_path = credential["issuer"]["id"].removeprefix(settings.SITE_URL)
    profile = anonymous.get(issuer_path).json()
    assert profile["id"] == credential["issuer"]["id"]
    assert profile["type"] == ["Profile"]
    assert profile["name"] == settings.SITE_NAME
    jwks_path = profile["publicKeys"].removeprefix(settings.SITE_URL)
    assert jwks_path == reverse("credentials:jwks")
    [key] = anonymous.get(jwks_path).json()["keys"]
    assert (key["kty"], key["crv"], key["alg"]) == ("OKP", "Ed25519", "EdDSA")
    assert "d" not in key  # never the private half


@pytest.mark.django_db
def test_a_tampered_credential_fails(certificate):
    anonymous = Client()
    token = download(anonymous, certificate)
    keys = published_keys(anonymous)
    header, payload, signature = token.split(".")

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    forged = b64url(json.dumps(claims).encode())
    with pytest.raises(BadSignatureError):
        verify(f"{header}.{forged}.{signature}", keys)

    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(BadSignatureError):
        verify(f"{header}.{payload}.{flipped}", keys)


@pytest.mark.django_db
def test_another_key_does_not_verify_it(certificate):
    token = download(Client(), certificate)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = OKPKey.import_key(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(BadSignatureError):
        verify(token, stranger)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_rotated_key_keeps_old_credentials_verifiable(settings, certificate):
    old_token = download(Client(), certificate)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from credentials.signing import b64url_decode

    old = Ed25519PrivateKey.from_private_bytes(b64url_decode(settings.CREDENTIALS_SIGNING_KEY)).public_key()
    settings.CREDENTIALS_PREVIOUS_PUBLIC_KEYS = [
        b64url(old.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    ]
    settings.CREDENTIALS_SIGNING_KEY = generate_key_text()
    keys = published_keys(Client())
    assert len(keys.keys) == 2
    assert verify(old_token, keys).claims["name"] == certificate.title
    assert verify(download(Client(), certificate), keys).claims["name"] == certificate.title


@pytest.mark.django_db
def test_the_revocation_list_is_signed_and_marks_the_revoked(staff, certificate):
    anonymous = Client()
    response = anonymous.get(reverse("credentials:status-list"))
    assert response.status_code == 200
    status = verify(response.content.decode(), published_keys(anonymous)).claims
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = status["credentialSubject"]["encodedList"]
    assert not is_revoked_in(encoded, certificate.pk)

    services.certificate_revoke(certificate=certificate, by=staff, reason="Wrong learner.")
    status = verify(
        anonymous.get(reverse("credentials:status-list")).content.decode(), published_keys(anonymous)
    )
    encoded = status.claims["credentialSubject"]["encodedList"]
    assert is_revoked_in(encoded, certificate.pk)
    assert not is_revoked_in(encoded, certificate.pk + 1)


@pytest.mark.django_db
def test_without_a_key_credentials_are_unavailable_not_broken(settings, certificate):
    settings.CREDENTIALS_SIGNING_KEY = ""
    settings.LOCAL = False
    response = Client().get(reverse("credentials:credential", args=[certificate.public_id]))
    assert response.status_code == 503
    assert Client().get(reverse("credentials:jwks")).json() == {"keys": []}


def test_the_keygen_command_prints_a_usable_key(capsys):
    call_command("credentials_keygen")
    out = capsys.readouterr().out.strip()
    assert out.startswith("CREDENTIALS_SIGNING_KEY=")
    from credentials.signing import b64url_decode

    assert len(b64url_decode(out.split("=", 1)[1])) == 32
