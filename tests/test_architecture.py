"""The house's shape, checked on every run: imports point down the layers, no module imports itself
back through others, and no module grows past what a reader holds in their head.

The layers (ARCHITECTURE.md draws them) are read from the source with `ast`: every `import` and
`from … import`, at module level or inside a function (a lazy import is still a dependency), except
those under `if TYPE_CHECKING:` (annotations only, never run).
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS: list[set[str]] = [
    {"lms"},  # shared infrastructure: throttles, parsers, lookups, middleware (its wiring below excepted)
    {"charts", "notifications"},  # pure SVG geometry; the outbox and notices, told recipient and text
    {"accounts"},
    {"curriculum"},
    {"progress"},
    {"cohorts"},  # groups of enrolments (mentors' and staff's lists filter by them)
    {"assessments", "projects", "invitations"},
    {"credentials", "exercises"},  # exercises: assessments' status rule, projects' Markdown
    {"cards"},  # review cards of missed quiz questions and of missed exercises
    {"mentoring", "reminders"},
    {"learner", "privacy"},  # the learner's pages; a user's data (export, deletion) from every app below
]
"""Bottom first. An app imports its own modules and apps of lower layers, never a sibling or above."""

WIRING = ("lms.urls", "lms.api_urls", "lms.management")
"""The project's wiring, which may import any app: the URL configuration and its commands."""

SERVICES_TASKS_MARK = "services ↔ tasks"
"""A comment with these words just above an import of the app's own `tasks` from inside a function
says why that pair imports each other (a service queues the task, the task calls services): the only
circle allowed."""

MAX_LINES = 400


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    marked: bool


def _layer_of(app: str) -> int | None:
    return next((n for n, layer in enumerate(LAYERS) if app in layer), None)


def _modules() -> dict[str, Path]:
    modules = {}
    for app in set().union(*LAYERS):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(modules: dict[str, Path]) -> list[Import]:
    found = []
    for name, path in modules.items():
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        skipped = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if node.lineno in skipped if isinstance(node, ast.stmt) else False:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            above = "\n".join(lines[max(0, node.lineno - 6) : node.lineno - 1]) if targets else ""
            for target in targets:
                if target in modules and target != name:
                    found.append(Import(name, target, node.lineno, SERVICES_TASKS_MARK in above))
    return found


MODULES = _modules()
IMPORTS = _imports(MODULES)


def test_every_app_has_a_layer() -> None:
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps - set().union(*LAYERS) == set(), "add the new app to LAYERS (and ARCHITECTURE.md)"


def test_imports_point_down_the_layers() -> None:
    upward = []
    for found in IMPORTS:
        if found.importer.startswith(WIRING):
            continue
        importer_app, imported_app = found.importer.split(".")[0], found.imported.split(".")[0]
        if importer_app == imported_app:
            continue
        importer_layer, imported_layer = _layer_of(importer_app), _layer_of(imported_app)
        assert importer_layer is not None, importer_app
        assert imported_layer is not None, imported_app
        if imported_layer >= importer_layer:
            upward.append(f"{found.importer}:{found.line} imports {found.imported}")
    assert upward == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module: each holds a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(edges[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for found in IMPORTS:
        edges[found.importer]
        edges[found.imported]
        if found.marked and found.imported == found.importer.split(".")[0] + ".tasks":
            continue  # the commented services ↔ tasks pair
        edges[found.importer].add(found.imported)
    assert _cycles(edges) == []


def test_the_circle_check_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_a_marked_pair_is_only_a_lazy_import_of_the_apps_own_tasks() -> None:
    marked = [found for found in IMPORTS if found.marked]
    assert marked, "the services ↔ tasks pairs are commented where they import"
    for found in marked:
        assert found.imported.endswith(".tasks"), found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_too_long(name: str) -> None:
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by noun"
