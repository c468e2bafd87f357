from typing import Any

from django.core.management.base import BaseCommand

from credentials.signing import b64url, b64url_decode, generate_key_text


class Command(BaseCommand):
    help = (
        "Print a new Ed25519 key for signing credentials, as the CREDENTIALS_SIGNING_KEY line of .env, "
        "and its public half (for CREDENTIALS_PREVIOUS_PUBLIC_KEYS once the key is replaced)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        text = generate_key_text()
        public = Ed25519PrivateKey.from_private_bytes(b64url_decode(text)).public_key()
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.stdout.write(f"CREDENTIALS_SIGNING_KEY={text}")
        self.stderr.write(
            f"# public key (keep it in CREDENTIALS_PREVIOUS_PUBLIC_KEYS after a rotation): {b64url(raw)}\n"
            "# Keep the private key secret and backed up, like SECRET_KEY: credentials are signed with it."
        )
