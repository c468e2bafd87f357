"""Writes to the curriculum: loading a fixture with whole-curriculum validation."""

import contextlib
import json
from itertools import pairwise
from pathlib import Path

from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

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


# Content that a curriculum fixture may hold: the curriculum's, the weekly quizzes' and the project
# briefs with their rubrics (named, not
# imported: curriculum depends on no other app). Users, enrolments, submissions… are never loaded.
CONTENT_MODELS = frozenset(
    {
        "curriculum.phase",
        "curriculum.week",
        "curriculum.resource",
        "assessments.quiz",
        "assessments.question",
        "assessments.choice",
        "projects.project",
        "projects.criterion",
        "projects.level",
        "exercises.exercise",
    }
)


def _read_fixture(path: Path) -> list[dict]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CurriculumError(f"Cannot read {path}: {error.strerror}.") from error
    except UnicodeDecodeError as error:
        raise CurriculumError(f"{path} is not UTF-8 text: {error.reason}.") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CurriculumError(
            f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from error
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise CurriculumError(f"{path} is not a fixture: expected a JSON list of objects.")
    for number, item in enumerate(data, 1):
        model = str(item.get("model", "")).lower()
        if model not in CONTENT_MODELS:
            raise CurriculumError(
                f"{path}, object {number}: {model or 'no model'} is not curriculum content "
                f"(allowed: {', '.join(sorted(CONTENT_MODELS))})."
            )
    return data


def _label(obj: Model, *, described: bool = False) -> str:
    """How an error names an object: its kind and pk (and, when asked, what it says of itself)."""
    label = f"{obj._meta.verbose_name} (pk={obj.pk})"
    if described:
        with contextlib.suppress(ObjectDoesNotExist):  # a __str__ that follows a missing reference
            label += f" “{obj}”"
    return label


def _missing_references(obj: Model) -> list[str]:
    """The foreign keys of `obj` that point at no row (a week's phase that does not exist…)."""
    missing = []
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            value = getattr(obj, field.attname)
            related = field.related_model
            if value is not None and not related._default_manager.filter(pk=value).exists():  # type: ignore[union-attr]
                missing.append(
                    f"{field.name}: there is no {related._meta.verbose_name} with pk={value}."  # type: ignore[union-attr]
                )
    return missing


def curriculum_load(*, paths: list[Path]) -> int:
    """Load curriculum fixtures atomically: every object of every file is validated (the model's
    `full_clean`, references, then the whole curriculum's rules), or nothing is saved.

    Only content models load (CONTENT_MODELS). Returns the number of objects loaded. Loading the same
    files twice changes nothing, because fixture objects carry their primary keys.
    """
    fixtures = [(path, _read_fixture(path)) for path in paths]
    count = 0
    models: set[type] = set()
    with transaction.atomic():
        for path, data in fixtures:
            try:
                for deserialized in serializers.deserialize("python", data, ignorenonexistent=False):
                    obj = deserialized.object
                    missing = _missing_references(obj)
                    if missing:
                        raise CurriculumError(f"{path}: {_label(obj, described=True)}: {' '.join(missing)}")
                    # A row already saved under this pk is being updated, not added: uniqueness
                    # checks must not compare it with itself.
                    obj._state.adding = not type(obj)._default_manager.filter(pk=obj.pk).exists()
                    try:
                        obj.full_clean()
                    except ValidationError as error:
                        details = "; ".join(
                            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
                        )
                        raise CurriculumError(f"{path}: {_label(obj)}: {details}") from error
                    deserialized.save()
                    models.add(type(obj))
                    count += 1
            except serializers.base.DeserializationError as error:
                raise CurriculumError(f"{path} is not a valid fixture: {error}") from error
        problems = curriculum_problems()
        # Rules across a model's rows (a published project's rubric): models that have them say so.
        for model in sorted(models, key=str):
            if hasattr(model, "content_problems"):
                problems.extend(model.content_problems())
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
