"""The shape every lifecycle takes (wiring: no app's rules live here): a record's states, the moves
between them, who may make each move, and why a move is refused. Each app owns its table
(`progress.lifecycle`, `projects.lifecycle`, `credentials.lifecycle`, `cards.lifecycle`,
`mentoring.signoff`); its services ask the table before they write the state field, from every path
(web, API, admin, commands, tasks), and nothing else writes that field (tests/test_lifecycles.py).

A refused move raises Django's ValidationError with the table's words: a form error on a page, a 400 or
409 with the message in the API (the callers' existing handling of ValidationError).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from django_stubs_ext import StrOrPromise

LEARNER = "learner"
MENTOR = "mentor"
STAFF = "staff"
SYSTEM = "system"
ACTORS = (LEARNER, MENTOR, STAFF, SYSTEM)
ACTOR_LABELS = {
    LEARNER: gettext_lazy("learner"),
    MENTOR: gettext_lazy("mentor"),
    STAFF: gettext_lazy("staff"),
    SYSTEM: gettext_lazy("system"),
}
"""Who may make a move, in the words of a refusal ("Only staff may complete this.")."""

DEFAULT_REFUSAL = gettext_lazy("This cannot be done while it is {state}.")


class TransitionRefused(ValidationError):
    """A move the lifecycle does not allow from the record's state; the message says why."""


@dataclass(frozen=True)
class Move:
    """One named move: from any of `sources` to `target`, by any of `actors`; `does` says what else
    happens (notices, certificates, standings, the calendar feed), for the README's table."""

    name: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    does: str = ""
    label: StrOrPromise = ""
    """The move in the words of a refusal ("Only staff may *complete* this."); default: its name."""

    @property
    def words(self) -> str:
        return str(self.label or self.name.replace("_", " "))


@dataclass(frozen=True)
class Lifecycle:
    """A record's lifecycle. `refusals` gives, per (state, move), the words a refused move is refused
    with; a missing pair falls back to `default_refusal` ({state} and {move} are filled in)."""

    name: str
    states: tuple[str, ...]
    moves: tuple[Move, ...]
    labels: dict[str, StrOrPromise] = field(default_factory=dict)
    refusals: dict[tuple[str, str], StrOrPromise] = field(default_factory=dict)
    default_refusal: StrOrPromise = DEFAULT_REFUSAL
    noun: StrOrPromise = ""
    """The record in the words of a refusal ("The *enrolment* cannot go from …"); default: its name."""

    def __post_init__(self) -> None:
        names = [move.name for move in self.moves]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: two moves share a name")
        for move in self.moves:
            unknown = {*move.sources, move.target} - set(self.states)
            if unknown or not set(move.actors) <= set(ACTORS):
                raise ValueError(f"{self.name}.{move.name}: unknown state or actor")

    def move(self, name: str) -> Move:
        for move in self.moves:
            if move.name == name:
                return move
        raise KeyError(f"{self.name} has no move {name!r}")

    def label(self, state: str) -> str:
        return str(self.labels.get(state, state.replace("_", " ")))

    def refusal(self, *, state: str, move: str, actor: str | None = None) -> str | None:
        """Why `move` may not be made from `state` (by `actor`, when given), or None when it may."""
        found = self.move(move)
        if state not in found.sources:
            text = str(self.refusals.get((state, move), self.default_refusal))
            return text.format(state=self.label(state), move=found.words)
        if actor is not None and actor not in found.actors:
            return gettext("Only %(actors)s may %(move)s this.") % {
                "actors": either(str(ACTOR_LABELS[name]) for name in found.actors),
                "move": found.words,
            }
        return None

    def check(self, *, state: str, move: str, actor: str | None = None) -> str:
        """The state after `move` from `state`; raises TransitionRefused with the reason otherwise."""
        reason = self.refusal(state=state, move=move, actor=actor)
        if reason is not None:
            raise TransitionRefused(reason, code="transition_refused")
        return self.move(move).target

    def move_between(self, *, source: str, target: str) -> str:
        """The move that takes a record from `source` to `target` (an admin form's change of the state
        field); raises TransitionRefused naming what is possible from `source` when no move does."""
        for move in self.moves:
            if source in move.sources and move.target == target:
                return move.name
        possible = [
            f"{self.move(name).words} ({self.label(self.move(name).target)})"
            for name in self.allowed_from(source)
        ]
        words = {
            "record": str(self.noun or self.name),
            "source": self.label(source),
            "target": self.label(target),
        }
        if possible:
            text = gettext(
                "The %(record)s cannot go from %(source)s to %(target)s. From %(source)s it can: %(moves)s."
            )
            words["moves"] = ", ".join(possible)
        else:
            text = gettext("The %(record)s cannot go from %(source)s to %(target)s. It is final.")
        raise TransitionRefused(text % words, code="transition_refused")

    def allowed_from(self, state: str) -> list[str]:
        return [move.name for move in self.moves if state in move.sources]

    def markdown_table(self) -> str:
        """The lifecycle as a Markdown table for the owning app's README (a test keeps them the same)."""
        lines = ["| move | from | to | who | what else happens |", "| --- | --- | --- | --- | --- |"]
        for move in self.moves:
            sources = ", ".join(move.sources)
            actors = ", ".join(move.actors)
            lines.append(f"| {move.name} | {sources} | {move.target} | {actors} | {move.does} |")
        return "\n".join(lines)

    def diagram(self) -> str:
        """A text state diagram, one arrow per (source, move): `active --pause--> paused`."""
        width = max(len(state) for state in self.states)
        arrows = [
            f"{source.ljust(width)} --{move.name}--> {move.target}"
            for move in self.moves
            for source in move.sources
        ]
        finals = [state for state in self.states if not self.allowed_from(state)]
        if finals:
            arrows.append("final: " + ", ".join(finals))
        return "\n".join(arrows)

    def readme_block(self) -> str:
        """What the README carries between its markers: the diagram and the table."""
        return "```\n" + self.diagram() + "\n```\n\n" + self.markdown_table()


def either(names: Iterable[str]) -> str:
    """Who may, in words: "staff", "learner or staff", "learner, staff or system"."""
    listed = list(names)
    if len(listed) < 2:
        return "".join(listed)
    return gettext("%(some)s or %(last)s") % {"some": ", ".join(listed[:-1]), "last": listed[-1]}


README_START = "<!-- lifecycle:{name} -->"
README_END = "<!-- /lifecycle:{name} -->"


def readme_section(text: str, *, name: str) -> str | None:
    """The block between a README's markers for lifecycle `name`, or None when it has none."""
    start, end = README_START.format(name=name), README_END.format(name=name)
    if start not in text or end not in text:
        return None
    return text.split(start, 1)[1].split(end, 1)[0].strip("\n")
