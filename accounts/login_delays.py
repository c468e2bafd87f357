"""Failed log-ins slow the guesser down; a stranger cannot lock someone else out.

Two counts of failed passwords, kept in the shared cache (lms.fallback_cache: in-process while Redis is
down), forgotten WINDOW_SECONDS after the last failure and on a successful log-in:

- per account *and* client address: after PAIR_FREE failures, each further check from that address
  waits 2, 4, 8 … seconds after the last failure, up to PAIR_MAX_WAIT — the guesser is slowed, while
  the owner logging in from anywhere else is not;
- per account, from all addresses: after ACCOUNT_FREE failures (a guesser spread over many addresses),
  every check of that account waits 2, 4 … seconds after the last failure, up to ACCOUNT_MAX_WAIT — so
  the owner's right password works again within ACCOUNT_MAX_WAIT seconds of the last failure, and a
  spread-out guesser gets about one guess a minute.

The per-address limit on all accounts (10 failures a minute) stays allauth's (ACCOUNT_RATE_LIMITS).
Refused checks do not count: they never look at the password.
"""

import hashlib
import math
import time

from lms.fallback_cache import fallback_cache

PAIR_FREE = 5
PAIR_MAX_WAIT = 900
ACCOUNT_FREE = 20
ACCOUNT_MAX_WAIT = 60
WINDOW_SECONDS = 3600


def _keys(login: str, address: str) -> tuple[str, str]:
    account = hashlib.sha256(login.strip().lower().encode("utf-8", "backslashreplace")).hexdigest()[:32]
    return f"login-delay:{account}", f"login-delay:{account}:{address}"


def _wait(failures: int, free: int, cap: int) -> int:
    return 0 if failures < free else min(2 ** (failures - free + 1), cap)


def login_wait(*, login: str, address: str, now: float | None = None) -> int:
    """Seconds before a password for `login` from `address` may be checked (0: now)."""
    now = time.time() if now is None else now
    remaining = 0.0
    limits = ((ACCOUNT_FREE, ACCOUNT_MAX_WAIT), (PAIR_FREE, PAIR_MAX_WAIT))
    for key, (free, cap) in zip(_keys(login, address), limits, strict=True):
        failures, last = fallback_cache.get(key) or (0, 0.0)
        remaining = max(remaining, last + _wait(failures, free, cap) - now)
    return math.ceil(remaining) if remaining > 0 else 0


def login_failed(*, login: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key in _keys(login, address):
        failures, _last = fallback_cache.get(key) or (0, 0.0)
        fallback_cache.set(key, (failures + 1, now), WINDOW_SECONDS)


def login_succeeded(*, login: str, address: str) -> None:
    for key in _keys(login, address):
        fallback_cache.delete(key)
