"""A real OpenID Connect provider for the single sign-on tests (tests/oidc_provider/): one process per
test process, started once, on a free port; and the helpers that sign a person in through it.

Nothing is mocked: the LMS fetches the provider's discovery document, sends the browser (or the test
client) to its authorisation endpoint with PKCE, exchanges the code at its token endpoint, checks the
ID token's signature against its JWKS and reads its userinfo endpoint, all over HTTP.
"""

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from tests.network import free_port

PROVIDER_ID = "test-idp"
PROVIDER_NAME = "Test Organisation"
PASSWORD = "correct-horse-battery-staple"
CALLBACK = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"


@dataclass(frozen=True)
class Person:
    """Someone with an account at the provider."""

    email: str
    name: str
    verified: bool = True

    @property
    def username(self) -> str:
        return self.email.split("@")[0]


# The provider's people, one per story (the provider outlives each test's database).
NEWCOMER = Person("newcomer@idp.example", "Nina Newcomer")
RETURNING = Person("returning@idp.example", "Rita Returning")
EXISTING = Person("existing@idp.example", "Ernst Existing")
UNVERIFIED = Person("unverified@idp.example", "Uma Unverified", verified=False)
UNCONFIRMED_HERE = Person("unconfirmed@idp.example", "Ulf Unconfirmed")
OTHER_ADDRESS = Person("other-address@idp.example", "Otto Other")
CONNECTING = Person("connecting@idp.example", "Conny Connecting")
TAKEN = Person("taken@idp.example", "Tara Taken")
MENTOR = Person("mentor-sso@idp.example", "Mona Mentor")
BROWSER = Person("browser@idp.example", "Bruno Browser")
PEOPLE = [NEWCOMER, RETURNING, EXISTING, UNVERIFIED, UNCONFIRMED_HERE, OTHER_ADDRESS, CONNECTING, TAKEN]
PEOPLE += [MENTOR, BROWSER]


@dataclass(frozen=True)
class IdentityProvider:
    url: str  # e.g. http://127.0.0.1:41234
    client_id: str
    client_secret: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def app_settings(self) -> dict[str, object]:
        """SOCIALACCOUNT_PROVIDERS["openid_connect"] as an operator would write it for this provider."""
        return {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": PROVIDER_NAME,
                    "client_id": self.client_id,
                    "secret": self.client_secret,
                    "settings": {"server_url": self.issuer},
                }
            ],
        }


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory) -> IdentityProvider:
    port = free_port()
    directory = tmp_path_factory.mktemp("identity-provider")
    provider = IdentityProvider(
        url=f"http://127.0.0.1:{port}",
        client_id="lms-" + secrets.token_hex(4),
        client_secret=secrets.token_hex(16),
    )
    # The callbacks of the test client (testserver) and of the live server (any port on localhost, as
    # RFC 8252 lets a loopback redirect choose its port).
    redirect_uris = f"http://testserver{CALLBACK} http://localhost{CALLBACK}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "IDP_SECRET_KEY": secrets.token_hex(32),
        "IDP_DATABASE": str(directory / "idp.sqlite3"),
        "IDP_RSA_PRIVATE_KEY": _private_key_pem(),
    }
    people = [
        {"email": p.email, "name": p.name, "verified": p.verified, "password": PASSWORD} for p in PEOPLE
    ]
    log = (directory / "idp.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "idp_serve", f"--port={port}", f"--client-id={provider.client_id}",
         f"--client-secret={provider.client_secret}", f"--redirect-uris={redirect_uris}",
         f"--people={json.dumps(people)}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    discovery = f"{provider.issuer}/.well-known/openid-configuration"
    while True:
        try:
            if requests.get(discovery, timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the identity provider did not start:\n" + Path(log.name).read_text())
        time.sleep(0.1)
    yield provider
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def sso_settings(settings, identity_provider):
    """The LMS configured with the test provider as an organisation's OpenID Connect provider."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": identity_provider.app_settings(),
    }
    return settings


def provider_sign_in(provider: IdentityProvider, authorize_url: str, person: Person) -> str:
    """Sign `person` in at the provider (its own log-in form, over HTTP) from the authorisation URL the
    LMS redirected to, and return the LMS callback URL the provider sends them back to."""
    assert authorize_url.startswith(provider.url), authorize_url
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)  # → the provider's log-in form
    assert urlsplit(response.url).path == "/login/", response.url
    response = browser.post(
        response.url,
        data={
            "username": person.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["idp_csrftoken"],
            "next": parse_qs(urlsplit(response.url).query)["next"][0],
        },
        headers={"Referer": response.url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    location = urljoin(provider.url, response.headers["Location"])
    while location.startswith(provider.url):  # the authorisation endpoint, now signed in
        response = browser.get(location, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        location = urljoin(provider.url, response.headers["Location"])
    return location


def sso_sign_in(client, provider: IdentityProvider, person: Person, *, process: str = "login", data=None):
    """The whole sign-in with the provider for the Django test client: the LMS's "Sign in with …" form,
    the provider's log-in and authorisation, and the LMS's callback (whose response is returned)."""
    from django.urls import reverse

    start = reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})
    response = client.post(start, {"process": process, **(data or {})})
    assert response.status_code == 302, response.content
    callback = provider_sign_in(provider, response["Location"], person)
    assert callback.startswith(f"http://testserver{CALLBACK}?"), callback
    return client.get(callback.removeprefix("http://testserver"))
