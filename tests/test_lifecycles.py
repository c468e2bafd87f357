"""Every lifecycle is one table (lms.lifecycle) owned by its app, and nothing but its transitions writes
the state it guards:

- each app's README carries its lifecycle's diagram and table as the code draws them;
- every move the table refuses has words for the person refused, and the table is consistent;
- no product module outside a lifecycle's owner writes its state field (a static scan of every module:
  ORM writes and constructors naming the model, and assignments to the field in modules that import
  the model).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from cards.lifecycle import CARD
from lms.lifecycle import Lifecycle, TransitionRefused, readme_section
from progress.lifecycle import ENROLMENT
from projects.lifecycle import VERSION

ROOT = Path(__file__).resolve().parent.parent

LIFECYCLES: dict[str, tuple[Lifecycle, str]] = {
    "enrolment": (ENROLMENT, "progress/README.md"),
    "project version": (VERSION, "projects/README.md"),
    "review card": (CARD, "cards/README.md"),
}


@pytest.mark.parametrize("name", LIFECYCLES)
def test_the_readme_draws_the_lifecycle_as_the_code_does(name: str) -> None:
    lifecycle, readme = LIFECYCLES[name]
    section = readme_section((ROOT / readme).read_text(), name=name)
    assert section is not None, f"{readme} has no <!-- lifecycle:{name} --> section"
    assert section == lifecycle.readme_block(), (
        f"{readme}'s lifecycle is out of date: paste lms.lifecycle's readme_block() of {name}"
    )


@pytest.mark.parametrize("name", LIFECYCLES)
def test_every_refused_move_says_why_in_words(name: str) -> None:
    lifecycle, _ = LIFECYCLES[name]
    for state in lifecycle.states:
        for move in lifecycle.moves:
            reason = lifecycle.refusal(state=state, move=move.name)
            if state in move.sources:
                assert reason is None
                assert lifecycle.check(state=state, move=move.name) == move.target
            else:
                assert reason, (state, move.name)
                assert reason[0].isupper(), reason
                assert reason.endswith("."), reason
                assert "{" not in reason, reason
                assert "_" not in reason, reason
                with pytest.raises(TransitionRefused, match=reason[:20]):
                    lifecycle.check(state=state, move=move.name)
    # Refusal words are given only for refused pairs (a stale entry would hide a change of the table).
    for state, move_name in lifecycle.refusals:
        assert state not in lifecycle.move(move_name).sources, (state, move_name)


def test_an_actor_outside_the_move_is_refused() -> None:
    assert (
        ENROLMENT.refusal(state="active", move="complete", actor="learner") == "Only staff may complete this."
    )
    assert ENROLMENT.refusal(state="active", move="complete", actor="staff") is None


def test_a_change_of_state_field_names_its_move_or_why_not() -> None:
    assert ENROLMENT.move_between(source="paused", target="active") == "resume"
    with pytest.raises(TransitionRefused) as refused:
        ENROLMENT.move_between(source="left", target="active")
    assert "The enrolment cannot go from left to active." in refused.value.messages[0]
    assert "It is final." in refused.value.messages[0]


@dataclass(frozen=True)
class Guarded:
    model: str  # the class's name, as modules import it
    field: str
    owners: frozenset[str]  # the modules whose transitions write it
    unsaved: frozenset[str] = frozenset()  # modules that build unsaved rows for display (reads)


GUARDED = (
    Guarded("Enrolment", "status", frozenset({"progress/services.py"})),
    Guarded(
        "Version",
        "status",
        frozenset({"projects/services.py"}),
        unsaved=frozenset({"projects/selectors.py"}),  # the project list's newest versions, from JSON
    ),
    Guarded("Card", "retired_at", frozenset({"cards/services.py"})),
    Guarded("PhaseReview", "decision", frozenset({"mentoring/services.py"})),
)
WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
SKIPPED = (".venv/", "tests/", "bench/", "wip/", "vendor/", "node_modules/")


def _product_modules() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not path.relative_to(ROOT).as_posix().startswith(SKIPPED) and "/migrations/" not in path.as_posix()
    ]


def _names_in(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def _names_a(value: ast.expr, model: str) -> bool:
    """`enrolment.status`, `self.enrolment.status`, `locked.status`: a variable named after the model
    (or the `locked` row a transition holds)."""
    name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
    return model.lower() in name.lower() or name == "locked"


def _imports(tree: ast.Module, name: str) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and any(alias.name == name for alias in node.names)
        for node in ast.walk(tree)
    )


def state_writes(path: Path, guarded: Guarded) -> list[int]:
    """Lines of `path` that write `guarded.field` of `guarded.model`."""
    tree = ast.parse(path.read_text())
    imports_model = _imports(tree, guarded.model)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            sets_field = any(keyword.arg == guarded.field for keyword in node.keywords)
            if sets_field and (
                name == guarded.model or (name in WRITES and guarded.model in _names_in(function))
            ):
                lines.append(node.lineno)
            field_named = len(node.args) > 1 and getattr(node.args[1], "value", None) == guarded.field
            if name == "setattr" and imports_model and field_named:
                lines.append(node.lineno)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and imports_model:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if (
                        isinstance(element, ast.Attribute)
                        and element.attr == guarded.field
                        and _names_a(element.value, guarded.model)
                    ):
                        lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("guarded", GUARDED, ids=lambda guarded: f"{guarded.model}.{guarded.field}")
def test_only_the_lifecycles_owner_writes_its_state(guarded: Guarded) -> None:
    found = {
        path.relative_to(ROOT).as_posix(): lines
        for path in _product_modules()
        if (lines := state_writes(path, guarded))
    }
    strays = {
        module: lines for module, lines in found.items() if module not in guarded.owners | guarded.unsaved
    }
    assert not strays, f"{guarded.model}.{guarded.field} written outside its transitions: {strays}"
    assert found, f"the scan finds no write of {guarded.model}.{guarded.field} at all: is it still right?"


def test_the_scan_finds_a_direct_write(tmp_path: Path) -> None:
    module = tmp_path / "stray.py"
    module.write_text(
        "from progress.models import Enrolment\n"
        "def f(enrolment):\n"
        "    enrolment.status = 'left'\n"
        "    Enrolment.objects.filter(pk=1).update(status='left')\n"
        "    Enrolment.objects.filter(status='left').count()\n"
    )
    assert state_writes(module, GUARDED[0]) == [3, 4]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["cards_card", "projects_version", "mentoring_phasereview"])
def test_admin_cannot_add_or_change_what_only_transitions_write(client, staff, model):
    """Admin edits would skip the moves' checks and effects (the retention estimate, notices, the
    certificate): staff read these rows in admin and act through the product's pages."""
    from django.urls import reverse

    client.force_login(staff)
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{model}_add")).status_code == 403
