"""The rubric rules: level ranges, scores inside them, the pass rule (pure, no database), and what stops
a project's rubric from being used (`rubric_problems`, which reads the project's criteria; the model's
`clean` and admin call it).

The pass rule: a review passes when the total of its points is at least the project's pass mark **and**
no criterion is scored at its lowest level (a rubric's lowest level means "not met": excellent work on
four criteria does not make up for a missing fifth).
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext

if TYPE_CHECKING:  # (the model calls this module: no import of it at run time)
    from projects.models import Project


@dataclass(frozen=True)
class LevelRange:
    label: str
    min_points: int
    max_points: int

    def holds(self, points: int) -> bool:
        return self.min_points <= points <= self.max_points

    def __str__(self) -> str:
        if self.min_points == self.max_points:
            return f"{self.label} {self.min_points}"
        return f"{self.label} {self.min_points}–{self.max_points}"


def range_problems(levels: Sequence[LevelRange]) -> list[str]:
    """What is wrong with one criterion's levels: an empty range, or two ranges that overlap."""
    problems = [
        gettext("“%(level)s”: the lowest points (%(low)s) are above the highest (%(high)s).")
        % {"level": level.label, "low": level.min_points, "high": level.max_points}
        for level in levels
        if level.min_points > level.max_points
    ]
    ordered = sorted((level for level in levels if level.min_points <= level.max_points), key=_start)
    for lower, upper in itertools.pairwise(ordered):
        if upper.min_points <= lower.max_points:
            problems.append(
                gettext("“%(lower)s” and “%(upper)s” overlap: a score must fall in exactly one level.")
                % {"lower": lower, "upper": upper}
            )
    return problems


def _start(level: LevelRange) -> tuple[int, int]:
    return (level.min_points, level.max_points)


@dataclass(frozen=True)
class CriterionScore:
    """One criterion's score in a review: the level chosen and the points given."""

    criterion: str
    level: LevelRange
    points: int
    lowest: bool
    """The level is the criterion's lowest."""


def total_points(scores: Sequence[CriterionScore]) -> int:
    return sum(score.points for score in scores)


def passes(scores: Sequence[CriterionScore], *, pass_mark: int) -> bool:
    """The pass rule (module docstring): total ≥ pass mark and no criterion at its lowest level."""
    return total_points(scores) >= pass_mark and not any(score.lowest for score in scores)


def fail_reasons(scores: Sequence[CriterionScore], *, pass_mark: int) -> list[str]:
    """Why these scores do not pass (empty when they do), in words for the mentor and the learner."""
    reasons = []
    total = total_points(scores)
    if total < pass_mark:
        reasons.append(
            gettext("%(total)s points, below the pass mark of %(mark)s") % {"total": total, "mark": pass_mark}
        )
    reasons.extend(
        gettext("“%(criterion)s” is at its lowest level") % {"criterion": score.criterion}
        for score in scores
        if score.lowest
    )
    return reasons


def rubric_problems(*, project: "Project") -> list[str]:
    """What stops the project's rubric from being used (empty: complete): at least one criterion, each
    with two levels or more whose ranges do not overlap, and a pass mark that can be reached."""
    criteria = list(project.criteria.prefetch_related("levels")) if project.pk else []
    if not criteria:
        return ["The rubric has no criteria: add at least one, each with its levels."]
    problems = []
    for criterion in criteria:
        levels = [level.range for level in criterion.levels.all()]
        if len(levels) < 2:
            problems.append(
                gettext("“%(criterion)s” needs at least two levels.") % {"criterion": criterion.title}
            )
        problems.extend(
            gettext("“%(criterion)s”: %(problem)s") % {"criterion": criterion.title, "problem": problem}
            for problem in range_problems(levels)
        )
    best = sum(criterion.max_points for criterion in criteria)
    if project.pass_mark is not None and project.pass_mark > best:
        problems.append(
            gettext("The pass mark (%(mark)s) is above the most points possible (%(best)s).")
            % {"mark": project.pass_mark, "best": best}
        )
    return problems
