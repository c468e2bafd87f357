"""The translation catalogues are complete: every string the code marks is translated in every language,
none fuzzy, and the committed .mo files are the compilation of the committed .po files.

The extraction runs as scripts/messages.sh runs it (the script itself, on a copy of the sources: the
working tree is never touched), then the copy's catalogues are read. It needs GNU gettext (msgfmt,
xgettext, msgmerge: the test command installs it, scripts/services.sh); without it the test skips,
except in CI.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import IN_CI, REPO

GETTEXT_TOOLS = ("msgfmt", "xgettext", "msgmerge")
DOMAINS = ("django", "djangojs")
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
NOT_COPIED = {".git", ".venv", "node_modules", "media", "staticfiles", "artifacts", "__pycache__"}
NOT_COPIED_SUFFIXES = ("_cache",)  # .mypy_cache, .pytest_cache, .ruff_cache


@dataclass
class Entry:
    """One message of a .po file, as far as completeness goes."""

    msgid: str
    context: str | None = None
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False
    locations: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.context, self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.translations) and all(self.translations) and not self.fuzzy

    def named(self) -> str:
        where = f" ({', '.join(self.locations)})" if self.locations else ""
        return (f"[{self.context}] " if self.context else "") + repr(self.msgid) + where


LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def read_po(path: Path) -> list[Entry]:
    """The messages of a .po file (not the header, not obsolete `#~` ones)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    locations: list[str] = []
    current = ""

    def flush() -> None:
        if fields.get("msgid"):
            translations = [value for name, value in sorted(fields.items()) if name.startswith("msgstr")]
            entries.append(
                Entry(fields["msgid"], fields.get("msgctxt"), translations, "fuzzy" in flags, locations)
            )

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            flush()
            fields, flags, locations, current = {}, set(), [], ""
        elif line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            locations += line[2:].split()
        elif line.startswith("#"):
            continue
        elif match := LINE.match(line):
            current = match[1]
            fields[current] = ast.literal_eval(match[2])
        elif line.startswith('"') and current:
            fields[current] += ast.literal_eval(line)
    return entries


def gettext_missing() -> list[str]:
    return [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]


@pytest.fixture(autouse=True)
def _gettext_installed() -> None:
    missing = gettext_missing()
    if missing and IN_CI:
        pytest.fail(
            f"CI=true and GNU gettext is missing ({', '.join(missing)}): scripts/services.sh installs it."
        )
    if missing:
        pytest.skip(f"GNU gettext is not installed ({', '.join(missing)}): apt-get install gettext")


def source_copy(into: Path, source: Path = REPO) -> Path:
    """The project's files (not its virtualenv, caches, collected or uploaded files) under `into`."""

    def ignored(directory: str, names: list[str]) -> set[str]:
        return {name for name in names if name in NOT_COPIED or name.endswith(NOT_COPIED_SUFFIXES)}

    copy = into / "repository"
    shutil.copytree(source, copy, ignore=ignored, symlinks=True)
    return copy


def extract(copy: Path, languages: list[str]) -> None:
    """scripts/messages.sh in the copy: makemessages (both domains) and compilemessages."""
    environment = {**os.environ, "PYTHON": sys.executable}
    result = subprocess.run(
        ["bash", "scripts/messages.sh", *languages],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"scripts/messages.sh failed:\n{result.stdout}\n{result.stderr}"


def catalogue(root: Path, language: str, domain: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def extraction_problems(source: Path, copy: Path, language: str) -> list[str]:
    """What the extraction found that the committed catalogues of `source` lack: new strings, strings
    left untranslated, fuzzy guesses."""
    problems = []
    for domain in DOMAINS:
        extracted = catalogue(copy, language, domain)
        if not extracted.exists():
            continue  # nothing marked in this domain
        committed_path = catalogue(source, language, domain)
        committed = {entry.key for entry in read_po(committed_path)} if committed_path.exists() else set()
        for entry in read_po(extracted):
            if entry.key not in committed:
                problems.append(f"{language}/{domain}: new, not in the committed catalogue: {entry.named()}")
            elif entry.fuzzy:
                problems.append(f"{language}/{domain}: fuzzy (a guess, never shown): {entry.named()}")
            elif not entry.translated:
                problems.append(f"{language}/{domain}: untranslated: {entry.named()}")
    return problems


def compiled_differences(root: Path, language: str, domain: str, scratch: Path) -> list[str]:
    """Where the committed .mo says something else than the committed .po compiled now (compared as
    catalogues, not bytes: msgfmt versions order and pad differently)."""
    po = catalogue(root, language, domain)
    mo = po.with_suffix(".mo")
    if not po.exists():
        return [f"{mo.relative_to(root)} has no .po"] if mo.exists() else []
    if not mo.exists():
        return [f"{mo.relative_to(root)} is missing: run scripts/messages.sh"]
    fresh = scratch / f"{language}-{domain}.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True, timeout=60)
    with mo.open("rb") as committed_file, fresh.open("rb") as fresh_file:
        committed = gettext.GNUTranslations(committed_file)._catalog  # type: ignore[attr-defined]
        compiled = gettext.GNUTranslations(fresh_file)._catalog  # type: ignore[attr-defined]
    keys = sorted(set(committed) | set(compiled), key=repr)
    name = mo.relative_to(root)
    return [
        f"{name}: {key!r} is {committed.get(key)!r}, the .po compiles to {compiled.get(key)!r}"
        for key in keys
        if committed.get(key) != compiled.get(key)
    ]


def test_every_marked_string_is_translated(tmp_path):
    copy = source_copy(tmp_path)
    extract(copy, LANGUAGES)
    problems = [problem for language in LANGUAGES for problem in extraction_problems(REPO, copy, language)]
    assert not problems, "run scripts/messages.sh and translate:\n" + "\n".join(problems)


def test_the_committed_mo_files_are_the_compiled_po_files(tmp_path):
    differences = [
        difference
        for language in LANGUAGES
        for domain in DOMAINS
        for difference in compiled_differences(REPO, language, domain, tmp_path)
    ]
    assert not differences, "run scripts/messages.sh (compilemessages):\n" + "\n".join(differences[:20])


def test_a_new_string_without_a_translation_fails_the_check(tmp_path):
    """The check itself: a copy whose code marks a string nobody translated is refused, by name."""
    copy = source_copy(tmp_path)
    committed = tmp_path / "committed"
    shutil.copytree(copy / "locale", committed / "locale")
    page = copy / "templates" / "partials" / "untranslated_probe.html"
    page.write_text('{% load i18n %}<p>{% translate "A sentence nobody has translated yet" %}</p>\n')
    script = copy / "static" / "js" / "untranslated_probe.js"
    script.write_text('document.title = gettext("A script sentence nobody has translated yet");\n')
    extract(copy, ["es"])

    problems = "\n".join(extraction_problems(committed, copy, "es"))

    assert (
        "es/django: new, not in the committed catalogue: 'A sentence nobody has translated yet'" in problems
    )
    assert "es/djangojs: new, not in the committed catalogue: 'A script sentence nobody" in problems
    assert "Your dashboard" not in problems  # translated strings pass


def test_an_untranslated_or_fuzzy_entry_fails_the_check(tmp_path):
    """An entry of the catalogue with no translation, or a fuzzy one, is named as such."""
    po = tmp_path / "django.po"
    text = catalogue(REPO, "es", "django").read_text(encoding="utf-8")
    text = text.replace('msgid "Your dashboard"\nmsgstr "Tu panel"', 'msgid "Your dashboard"\nmsgstr ""')
    text = text.replace('msgid "Skip to content"', '#, fuzzy\nmsgid "Skip to content"')
    po.write_text(text, encoding="utf-8")

    entries = {entry.msgid: entry for entry in read_po(po)}

    assert not entries["Your dashboard"].translated
    assert entries["Skip to content"].fuzzy
    assert not entries["Skip to content"].translated
    assert entries["Settings"].translated


def test_a_stale_mo_file_fails_the_check(tmp_path):
    """A .po changed after its .mo was compiled: the difference is named."""
    root = tmp_path / "root"
    shutil.copytree(REPO / "locale", root / "locale")
    po = catalogue(root, "es", "django")
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Tu panel"', 'msgstr "Tu tablero"'), encoding="utf-8")

    differences = compiled_differences(root, "es", "django", tmp_path)

    assert differences == [
        "locale/es/LC_MESSAGES/django.mo: 'Your dashboard' is 'Tu panel', the .po compiles to 'Tu tablero'"
    ]


JINJA2_CALL = re.compile(r"(?<![\w.])(_|gettext|ngettext|pgettext|npgettext)\(")
EXTRACTABLE = re.compile(r"""_\((?:"[^"]*"|'[^']*')\)""")


def unextracted_jinja2_messages(root: Path) -> list[str]:
    """Translation calls in Jinja2 templates that Django's makemessages would not extract (so that no
    catalogue, and no check of a catalogue, would ever see them): only `_("…")` with the string as its one
    argument is read; values go through `|format(…)`, plurals come from Python."""
    found = []
    for template in sorted(root.glob("**/jinja2/**/*.html")):
        if NOT_COPIED.intersection(template.relative_to(root).parts):
            continue
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            for call in JINJA2_CALL.finditer(line):
                if not EXTRACTABLE.match(line, call.start()):
                    found.append(f"{template.relative_to(root)}:{number}: {line.strip()[:120]}")
    return found


def test_every_message_of_the_jinja2_templates_is_extracted():
    unextracted = unextracted_jinja2_messages(REPO)
    assert not unextracted, (
        'write `{{ _("Week %(number)s")|format(number=…) }}` (plurals: from Python), not:\n'
        + "\n".join(unextracted)
    )


def test_a_message_with_values_in_the_call_is_refused(tmp_path):
    template = tmp_path / "app" / "jinja2" / "app" / "page.html"
    template.parent.mkdir(parents=True)
    template.write_text(
        '<h1>{{ _("Week %(number)s")|format(number=3) }}</h1>\n'
        '<p>{{ _("Week %(number)s", number=3) }} {{ ngettext("%(n)s card", "%(n)s cards", 2) }}</p>\n'
    )

    refused = unextracted_jinja2_messages(tmp_path)

    line = '<p>{{ _("Week %(number)s", number=3) }} {{ ngettext("%(n)s card", "%(n)s cards", 2) }}</p>'
    assert refused == [f"app/jinja2/app/page.html:2: {line}"] * 2  # both calls of line 2; line 1 passes
