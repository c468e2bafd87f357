"""Signed one-click unsubscribe tokens: the enrolment id, signed with SECRET_KEY and a salt of its own.

The signature is the credential (the link works without logging in), so a token can only ever name the
enrolment it was issued for. It does not expire: an unsubscribe link in an old e-mail must keep working.
"""

from django.core import signing

SALT = "reminders.unsubscribe"
_signer = signing.Signer(salt=SALT)


def unsubscribe_token_for(*, enrolment_id: int) -> str:
    return _signer.sign(str(enrolment_id))


def enrolment_id_from_unsubscribe_token(token: str) -> int | None:
    """The enrolment id the token was signed for; None for a tampered or malformed token."""
    try:
        value = _signer.unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isascii() and value.isdigit() else None
