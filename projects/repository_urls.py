"""What a project's repository address may be: a public https:// address, shown to mentors and on the
learner's public portfolio, so it carries no password (`user:pass@`) and points at no private host.

Refused: user info; IP literals that are not global (private, loopback, link-local, shared, reserved,
unspecified, multicast; IPv4 and IPv6, IPv4-mapped IPv6 too, and IPv4 in the short or numeric forms
browsers accept, such as `127.1` or `2130706433`); names that only mean something on a local network
(`localhost` and `*.localhost`, `*.local`, `*.internal`, `*.lan`, `*.home.arpa`, and single-label names).
A public name that resolves to a private address is not looked up here (no DNS at validation time).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible

LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".localdomain", ".intranet")
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}

https_only = URLValidator(schemes=["https"], message="Enter the repository's https:// address.")


def _ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally, in any form a client would accept; None for a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host) and any(c.isdigit() for c in host):
        try:  # 127.1, 0x7f.0.0.1, 2130706433: what inet_aton (and browsers) read as IPv4
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def repository_url_problem(value: str) -> str | None:
    """Why `value` cannot be a repository's address (beyond being https://), or None."""
    parts = urlsplit(value)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "Leave out any user name or password (user:pass@): the address is shown to others."
    host = (parts.hostname or "").rstrip(".").lower()
    address = _ip_of(host)
    if address is not None:
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if not address.is_global or address.is_multicast:
            return "Give a public address: this one points at a private, local or reserved network."
        return None
    if host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES) or "." not in host:
        return "Give a public address: this name only works on a local network."
    return None


@deconstructible
class PublicRepositoryUrlValidator:
    """The model field's validator: https://, no user info, no private or local host."""

    def __call__(self, value: str) -> None:
        https_only(value)
        problem = repository_url_problem(value)
        if problem:
            raise ValidationError(problem, code="invalid_repository_url")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicRepositoryUrlValidator)


public_repository_url = PublicRepositoryUrlValidator()
