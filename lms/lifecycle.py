"""The shape every lifecycle takes (wiring: no app's rules live here): a record's states, the moves
between them, who may make each move, and why a move is refused. Each app owns its table
(`progress.lifecycle`, `projects.lifecycle`, `credentials.lifecycle`, `cards.lifecycle`,
`mentoring.signoff`); its services ask the table before they write the state field, from every path
(web, API, admin, commands, tasks), and nothing else writes that field (tests/test_lifecycles.py).

A refused move raises Django's ValidationError with the table's words: a form error on a page, a 400 or
409 with the message in the API (the callers' existing handling of ValidationError).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

LEARNER = "learner"
MENTOR = "mentor"
STAFF = "staff"
SYSTEM = "system"
ACTORS = (LEARNER, MENTOR, STAFF, SYSTEM)


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


@dataclass(frozen=True)
class Lifecycle:
    """A record's lifecycle. `refusals` gives, per (state, move), the words a refused move is refused
    with; a missing pair falls back to `default_refusal` ({state} and {move} are filled in)."""

    name: str
    states: tuple[str, ...]
    moves: tuple[Move, ...]
    labels: dict[str, str] = field(default_factory=dict)
    refusals: dict[tuple[str, str], str] = field(default_factory=dict)
    default_refusal: str = "This cannot be done while it is {state}."

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
        return self.labels.get(state, state.replace("_", " "))

    def refusal(self, *, state: str, move: str, actor: str | None = None) -> str | None:
        """Why `move` may not be made from `state` (by `actor`, when given), or None when it may."""
        found = self.move(move)
        if state not in found.sources:
            text = self.refusals.get((state, move), self.default_refusal)
            return text.format(state=self.label(state), move=move.replace("_", " "))
        if actor is not None and actor not in found.actors:
            return f"Only {' or '.join(found.actors)} may {move.replace('_', ' ')} this."
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
            f"{name.replace('_', ' ')} ({self.label(self.move(name).target)})"
            for name in self.allowed_from(source)
        ]
        hint = f" From {self.label(source)} it can: {', '.join(possible)}." if possible else " It is final."
        raise TransitionRefused(
            f"The {self.name} cannot go from {self.label(source)} to {self.label(target)}.{hint}",
            code="transition_refused",
        )

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


README_START = "<!-- lifecycle:{name} -->"
README_END = "<!-- /lifecycle:{name} -->"


def readme_section(text: str, *, name: str) -> str | None:
    """The block between a README's markers for lifecycle `name`, or None when it has none."""
    start, end = README_START.format(name=name), README_END.format(name=name)
    if start not in text or end not in text:
        return None
    return text.split(start, 1)[1].split(end, 1)[0].strip("\n")
