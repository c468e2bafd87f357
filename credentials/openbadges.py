"""Open Badges 3.0 documents: a certificate as an OpenBadgeCredential (a W3C Verifiable Credential, data
model 2.0), the issuer's profile, and the revocation list (a W3C Bitstring Status List credential).

Credentials are secured as VC-JWTs (OB 3.0 §8.2): the JWT's payload is the credential itself, with the
registered claims `iss` (the issuer's id), `jti` (the credential's id) and `nbf` (its `validFrom`).
Everything in a certificate's credential comes from the certificate's own columns, so it is the same
document (and, Ed25519 being deterministic, the same signature) every time it is made.
"""

import base64
import gzip
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from credentials import signing
from credentials.models import STATUS_LIST_BITS, Certificate

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
STATUS_LIST_MIN_BITS = STATUS_LIST_BITS
"""The Bitstring Status List's minimum length (16 KB): lists this short hide which entries are in use."""


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def verification_url(certificate: Certificate) -> str:
    return absolute(reverse("credentials:verify", args=[certificate.public_id]))


def credential_url(certificate: Certificate) -> str:
    return absolute(reverse("credentials:credential", args=[certificate.public_id]))


def issuer_url() -> str:
    return absolute(reverse("credentials:issuer"))


def status_list_url() -> str:
    return absolute(reverse("credentials:status-list"))


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile() -> dict[str, Any]:
    """The issuer's Profile, published at its id (a stable URL), with the key set that verifies it."""
    return {
        "@context": CONTEXT,
        "id": issuer_url(),
        "type": ["Profile"],
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "description": f"{settings.SITE_NAME} issues certificates for the phases of its curriculum, each "
        "signed off by a mentor, and for the whole curriculum.",
        "publicKeys": signing.jwks_url(),
    }


def achievement_id(certificate: Certificate) -> str:
    if certificate.kind == Certificate.Kind.PHASE:
        return absolute(reverse("phase-detail", args=[certificate.phase.number]))  # type: ignore[union-attr]
    return absolute(reverse("curriculum:overview"))


def credential_for(certificate: Certificate) -> dict[str, Any]:
    """The certificate as an OpenBadgeCredential (unsigned), with the JWT's registered claims."""
    credential_id = verification_url(certificate)
    issuer = issuer_url()
    # The signed credential's human-readable names and narratives stay in English, whoever downloads it:
    # its bytes are signed and must be the same on every download (Ed25519 is deterministic), so
    # neither the reader's language nor their locale's month names (strftime's %B is the C locale's,
    # English, by design here) may change them. Its field values are machine-readable and never
    # translated; the pages and the PDF are what people read in their language.
    evidence: list[dict[str, Any]] = [
        {
            "type": ["Evidence"],
            "name": "Mentor sign-off",
            "narrative": f"Reviewed and signed off by {certificate.signed_by_name} on "
            f"{certificate.issued_at:%d %B %Y}.",
        }
    ]
    if certificate.project_title:
        evidence.append(
            {"type": ["Evidence"], "name": "Accepted project", "narrative": certificate.project_title}
        )
    index = str(certificate.status_list_index)
    return {
        "@context": CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.title,
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
        },
        "validFrom": timestamp(certificate.issued_at),
        "awardedDate": timestamp(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.recipient_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": achievement_id(certificate),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": certificate.title,
                "description": certificate.description or certificate.title,
                "criteria": {"narrative": certificate.criteria},
                "creator": {"id": issuer, "type": ["Profile"], "name": settings.SITE_NAME},
            },
        },
        "evidence": evidence,
        "credentialStatus": {
            "id": f"{status_list_url()}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": index,
            "statusListCredential": status_list_url(),
        },
        "iss": issuer,
        "jti": credential_id,
        "nbf": int(certificate.issued_at.timestamp()),
    }


def signed_credential(certificate: Certificate) -> str:
    """The VC-JWT a learner downloads. Raises signing.SigningKeyMissing without a key."""
    return signing.sign(credential_for(certificate))


def encoded_status_list(revoked_indexes: Iterable[int]) -> str:
    """The bitstring (index 0 is the first byte's most significant bit), GZIP-compressed, as multibase
    base64url (the "u" prefix)."""
    indexes = list(revoked_indexes)
    size = max(STATUS_LIST_MIN_BITS, (max(indexes, default=0) // 8 + 1) * 8)
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def status_list_credential(revoked_indexes: Iterable[int], *, now: datetime) -> dict[str, Any]:
    url = status_list_url()
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(),
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(revoked_indexes),
        },
        "iss": issuer_url(),
        "jti": url,
        "nbf": int(now.timestamp()),
    }


def is_revoked_in(encoded_list: str, index: int) -> bool:
    """Read one entry of an encoded list (what a verifier does; the tests use it)."""
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded_list[1:] + "=" * (-len(encoded_list[1:]) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_add_url(certificate: Certificate) -> str:
    """LinkedIn's "Add license or certification" form, filled in: name, issuer, issue date, URL, id."""
    from urllib.parse import urlencode

    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.title,
        "organizationName": settings.SITE_NAME,
        "issueYear": certificate.issued_at.year,
        "issueMonth": certificate.issued_at.month,
        "certUrl": verification_url(certificate),
        "certId": certificate.public_id,
    }
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(query)}"
