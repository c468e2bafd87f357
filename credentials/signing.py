"""The site's Ed25519 signing key, its public JWK, and VC-JWT signing (EdDSA, with PyJWT).

The key comes from the setting CREDENTIALS_SIGNING_KEY: the 32-byte private key, base64url
(`manage.py credentials_keygen` makes one). Keys used before (CREDENTIALS_PREVIOUS_PUBLIC_KEYS: their
public halves, base64url) stay published, so that credentials signed with them still verify.
In a local run (settings.LOCAL) with no key set, a key is derived from SECRET_KEY (development only).
"""

import base64
import contextlib
import hashlib
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

ALGORITHM = "EdDSA"


class SigningKeyMissing(ImproperlyConfigured):
    """No CREDENTIALS_SIGNING_KEY (and not a local run): credentials cannot be signed."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_key_text() -> str:
    """A new private key as the setting holds it."""
    key = Ed25519PrivateKey.generate()
    return b64url(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption()))  # fmt: skip


def _raw(text: str, what: str) -> bytes:
    try:
        raw = b64url_decode(text.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"{what} is not base64url.") from error
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{what} must hold 32 bytes (base64url, 43 characters).")
    return raw


def signing_key() -> Ed25519PrivateKey:
    """The key credentials are signed with now. Raises SigningKeyMissing when none is configured."""
    text = settings.CREDENTIALS_SIGNING_KEY
    if text:
        return Ed25519PrivateKey.from_private_bytes(_raw(text, "CREDENTIALS_SIGNING_KEY"))
    if settings.LOCAL:
        seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lms credentials signing key")
        return Ed25519PrivateKey.from_private_bytes(seed.derive(settings.SECRET_KEY.encode()))
    raise SigningKeyMissing("CREDENTIALS_SIGNING_KEY is not set: run `manage.py credentials_keygen`.")


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def thumbprint(x: str) -> str:
    """RFC 7638 thumbprint of an Ed25519 public JWK: its stable key id."""
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def jwks_url() -> str:
    return settings.SITE_URL + reverse("credentials:jwks")


def public_jwk(x: str) -> dict[str, str]:
    """The public key as a JWK; its `kid` is the URL of the key set with the key's thumbprint."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": x,
        "alg": ALGORITHM,
        "use": "sig",
        "kid": f"{jwks_url()}#{thumbprint(x)}",
    }


def current_public_jwk() -> dict[str, str]:
    return public_jwk(b64url(_public_bytes(signing_key().public_key())))


def published_jwks() -> dict[str, list[dict[str, str]]]:
    """The key set published at the issuer's stable URL: the current key, then previous ones."""
    keys = []
    with contextlib.suppress(SigningKeyMissing):
        keys.append(current_public_jwk())
    for text in settings.CREDENTIALS_PREVIOUS_PUBLIC_KEYS:
        x = b64url(_raw(text, "CREDENTIALS_PREVIOUS_PUBLIC_KEYS"))
        if all(key["x"] != x for key in keys):
            keys.append(public_jwk(x))
    return {"keys": keys}


def sign(payload: dict[str, Any]) -> str:
    """The payload as a compact JWS (a VC-JWT), signed EdDSA with the current key."""
    key = signing_key()
    jwk = current_public_jwk()
    header = {"typ": "JWT", "kid": jwk["kid"], "jwk": {name: jwk[name] for name in ("kty", "crv", "x")}}
    return jwt.encode(payload, key, algorithm=ALGORITHM, headers=header)
