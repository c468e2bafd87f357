"""The time zones a learner chooses from: the canonical IANA names, grouped by region.

`zoneinfo.available_timezones()` also holds the deprecated aliases ("Africa/Asmera", "Asia/Calcutta",
"US/Eastern"…). The list offered is tzdata's `zone.tab` (one canonical zone per region of a country)
plus UTC; the aliases stay valid values (older enrolments may hold one) and map to their canonical
zone, which is also how a browser's alias (Chrome reports "Asia/Calcutta") finds its option.
"""

from functools import cache
from importlib import resources
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

UTC = "UTC"


def _tzdata_text(name: str) -> str:
    return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@cache
def canonical_timezones() -> tuple[str, ...]:
    """UTC, then every zone of tzdata's zone.tab, sorted."""
    names = {
        line.split("\t")[2].strip()
        for line in _tzdata_text("zone.tab").splitlines()
        if line and not line.startswith("#")
    }
    return (UTC, *sorted(names))


@cache
def timezone_aliases() -> dict[str, str]:
    """Deprecated or linked names → the canonical zone they stand for (only names not offered)."""
    offered = set(canonical_timezones())
    aliases = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            if alias not in offered and target in offered:
                aliases[alias] = target
    return aliases


def canonical_timezone(name: str) -> str:
    """The offered name for `name` (itself when offered; its canonical zone when an alias)."""
    return name if name in canonical_timezones() else timezone_aliases().get(name, name)


def _label(name: str) -> str:
    return name.split("/", 1)[-1].replace("_", " ")


@cache
def timezone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a <select>: one group per region ("Africa", "America"…), UTC first."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in canonical_timezones():
        region = name.split("/", 1)[0] if "/" in name else UTC
        groups.setdefault(region, []).append((name, _label(name)))
    return list(groups.items())


def validate_timezone(value: str) -> None:
    """A zone Python knows (a canonical name or one of its aliases)."""
    if value not in _known_zones():
        raise ValidationError(
            _("“%(zone)s” is not a known time zone (e.g. Europe/Paris, America/New_York).") % {"zone": value}
        )


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())
