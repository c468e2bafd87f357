"""Writes to the curriculum: loading a fixture with whole-curriculum validation."""

from itertools import pairwise
from pathlib import Path

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction

from curriculum.models import Phase, Week
from curriculum.signals import weeks_loaded


class CurriculumError(Exception):
    """The curriculum data is invalid; the message names every problem found."""


def curriculum_problems() -> list[str]:
    """Whole-curriculum rules a single row cannot check: numbering without gaps, phase order."""
    problems: list[str] = []
    rows = list(Week.objects.order_by("number").values_list("number", "phase__number"))
    numbers = [number for number, _ in rows]
    expected = list(range(1, len(numbers) + 1))
    if numbers != expected:
        missing = sorted(set(expected) - set(numbers))
        problems.append(
            "Week numbers must run from 1 without gaps"
            + (f"; missing: {', '.join(map(str, missing))}" if missing else "")
            + "."
        )
    for (number, phase), (next_number, next_phase) in pairwise(rows):
        if next_phase < phase:
            problems.append(
                f"Week {next_number} is in phase {next_phase} but week {number} is in phase {phase}: "
                "phases must cover consecutive weeks."
            )
    empty = Phase.objects.filter(weeks__isnull=True).values_list("number", flat=True)
    problems.extend(f"Phase {number} has no weeks." for number in empty)
    return problems


def curriculum_load(*, path: Path) -> int:
    """Load a curriculum fixture atomically: every object is validated, or nothing is saved.

    Returns the number of objects loaded. Loading the same file twice changes nothing, because
    fixture objects carry their primary keys.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CurriculumError(f"Cannot read {path}: {error.strerror}.") from error
    count = 0
    models: set[type] = set()
    with transaction.atomic():
        try:
            for deserialized in serializers.deserialize("json", text, ignorenonexistent=False):
                obj = deserialized.object
                label = f"{obj._meta.verbose_name} (pk={obj.pk})"
                # A row already saved under this pk is being updated, not added: uniqueness
                # checks must not compare it with itself.
                obj._state.adding = not type(obj)._default_manager.filter(pk=obj.pk).exists()
                try:
                    obj.full_clean()
                except ValidationError as error:
                    details = "; ".join(
                        f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
                    )
                    raise CurriculumError(f"{label}: {details}") from error
                deserialized.save()
                models.add(type(obj))
                count += 1
        except serializers.base.DeserializationError as error:
            raise CurriculumError(f"{path} is not a valid fixture: {error}") from error
        problems = curriculum_problems()
        if problems:
            raise CurriculumError(" ".join(problems))
        _reset_id_sequences(models)
        if Week in models:
            weeks_loaded.send(sender=Week)
    return count


def _reset_id_sequences(models: set[type]) -> None:
    """Move id sequences past the fixture's explicit ids, as loaddata does (PostgreSQL; no-op on SQLite):
    otherwise the next row made in admin would collide with a fixture row."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
