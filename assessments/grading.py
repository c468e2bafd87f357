"""Grading: one pure function, no database. The task and the services feed it plain values.

Rules, per question kind (points are the question's points):

- single choice, true/false: full points when exactly the correct choice is selected, else 0.
- multiple choice (select all that apply), partial credit:
      points * max(0, (correct selected - wrong selected) / correct in total)
  so every correct choice selected earns its share, every wrong one cancels a share, and the score
  never goes below 0 (guessing by ticking every box is not rewarded).
  Only all correct choices and no wrong one count as "correct".
- numeric: full points when |given - answer| <= tolerance (inclusive, exact Decimal arithmetic).
- short text: full points when the answer equals an accepted answer after normalising both
  (Unicode NFKC, case-folded, surrounding whitespace stripped, inner whitespace collapsed).
- free text: never auto-graded; it needs a mentor's review. An empty free-text answer gets 0.

A missing or unusable answer (no choice, not a number, empty text) earns 0; it never raises.

Rounding, once: a question's awarded points are kept to millionths (2/3 of a point is 0.666667, so the
parts add up to the exact total), the submission's percentage is computed from the exact points and
rounded half up to hundredths, and that is the figure every page, e-mail, CSV and the API show
(`percent_text`). No question's points are rounded to hundredths first: 5⅓ of 6 points is 88.89 %,
not 88.83 % (5.33 of 6).
"""

import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext_lazy, gettext_noop

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HUNDREDTH = Decimal("0.01")
POINTS_PLACES = Decimal("0.000001")
"""Awarded points are stored to millionths (Answer.awarded_points, Submission.score)."""

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
NUMERIC = "numeric"
SHORT_TEXT = "short_text"
FREE_TEXT = "free_text"


@dataclass(frozen=True)
class QuestionKey:
    """A question with its answer key."""

    id: int
    kind: str
    points: int
    correct_choice_ids: frozenset[int] = frozenset()
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    accepted_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class GivenAnswer:
    """What the learner answered: choice ids for choice questions, else the text typed."""

    question_id: int
    choice_ids: frozenset[int] = frozenset()
    value: str = ""


@dataclass(frozen=True)
class AnswerGrade:
    question_id: int
    awarded_points: Decimal | None
    """None while the answer waits for a mentor's review."""
    is_correct: bool | None
    needs_review: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class GradeResult:
    answers: dict[int, AnswerGrade] = field(default_factory=dict)
    score: Decimal = Decimal(0)
    """Points awarded so far (the reviewed part is missing while needs_review), to millionths."""
    max_score: Decimal = Decimal(0)
    exact_score: Fraction = Fraction(0)
    """The same points as an exact fraction: the percentage is computed from it."""

    @property
    def needs_review(self) -> bool:
        return any(grade.needs_review for grade in self.answers.values())

    @property
    def percent(self) -> Decimal | None:
        """The final percentage; None while an answer waits for review."""
        if self.needs_review:
            return None
        return percent_of(self.exact_score, self.max_score)

    def passed(self, pass_mark_percent: int) -> bool | None:
        return is_passing(self.percent, pass_mark_percent)


def is_passing(percent: Decimal | None, pass_mark_percent: int) -> bool | None:
    """The one rule of a passed attempt: its final percentage reaches the quiz's pass mark; None while
    it has none (an answer waits for review)."""
    return None if percent is None else percent >= pass_mark_percent


def percent_of(score: Decimal | Fraction, max_score: Decimal | int) -> Decimal:
    """score / max_score as a percentage, computed exactly and rounded once (`percent_rounded`)."""
    if max_score <= 0:
        return Decimal(0)
    return percent_rounded(Fraction(score) * 100 / Fraction(max_score))  # type: ignore[return-value]


def average_percent(percents: Collection[Decimal]) -> Decimal | None:
    """The mean of quiz percentages, rounded by `percent_rounded` (None of none): a learner's average of
    their best scores, stored in the quiz record and shown of any enrolment's attempts."""
    return percent_rounded(sum(percents, Decimal(0)) / len(percents)) if percents else None


def percent_rounded(value: Decimal | Fraction | float | int | None) -> Decimal | None:
    """The one rounding rule for a quiz percentage, wherever it is stored, shown or sent (the learner's
    and the mentor's pages, the CSV, the API): hundredths, half up (1/6 → 16.67)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        # Half up on the exact value: the numerator's hundredths, rounded by integer arithmetic.
        hundredths, remainder = divmod(value.numerator * 100, value.denominator)
        if 2 * remainder >= value.denominator:
            hundredths += 1
        return Decimal(hundredths).scaleb(-2)
    return Decimal(str(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def percent_shown(value: Decimal | float | int | None) -> str:
    """`percent_text` as a person reads it, with the active language's decimal mark ("16,67" in Spanish);
    CSV and the API keep `percent_text`."""
    text = percent_text(value)
    return formats.number_format(Decimal(text)) if text else ""


def percent_text(value: Decimal | float | int | None) -> str:
    """A percentage as text by that rule, without trailing zeros ("16.67", "50", "100"); "" for none."""
    rounded = percent_rounded(value)
    if rounded is None:
        return ""
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def normalise_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def parse_decimal(text: str) -> Decimal | None:
    """A finite Decimal from the learner's text ("0.5", "-3", "1e-3"), or None."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def grade(answers: Iterable[GivenAnswer], questions: Iterable[QuestionKey]) -> GradeResult:
    """Grade a submission: every question is graded, an unanswered one earns 0."""
    given: Mapping[int, GivenAnswer] = {answer.question_id: answer for answer in answers}
    grades: dict[int, AnswerGrade] = {}
    max_score = Decimal(0)
    score = Fraction(0)
    for question in questions:
        answer = given.get(question.id) or GivenAnswer(question_id=question.id)
        grades[question.id] = grade_answer(answer, question)
        max_score += question.points
        score += points_awarded_exactly(answer, question)
    return GradeResult(answers=grades, score=points_stored(score), max_score=max_score, exact_score=score)


def points_stored(points: Fraction) -> Decimal:
    """Points as stored: to millionths, half up."""
    return (Decimal(points.numerator) / Decimal(points.denominator)).quantize(
        POINTS_PLACES, rounding=ROUND_HALF_UP
    )


def points_awarded_exactly(answer: GivenAnswer, question: QuestionKey) -> Fraction:
    """The points an automatically graded answer earns, as an exact fraction (0 for free text, whose
    points come from the mentor's review)."""
    if question.kind == FREE_TEXT:
        return Fraction(0)
    if question.kind == MULTIPLE:
        return question.points * multiple_choice_share(answer.choice_ids, question.correct_choice_ids)
    return Fraction(question.points) if is_correct(answer, question) else Fraction(0)


NO_ANSWER_FEEDBACK = gettext_noop("No answer given.")
"""The grader's feedback on an empty free-text answer, stored in English (a batch grades many learners'
answers at once) and shown in the reader's language (`Answer.feedback_shown`)."""


def grade_answer(answer: GivenAnswer, question: QuestionKey) -> AnswerGrade:
    points = Decimal(question.points)
    if question.kind == FREE_TEXT:
        if not answer.value.strip():
            return AnswerGrade(question.id, Decimal(0), False, feedback=NO_ANSWER_FEEDBACK)
        return AnswerGrade(question.id, None, None, needs_review=True)
    if question.kind == MULTIPLE:
        share = multiple_choice_share(answer.choice_ids, question.correct_choice_ids)
        return AnswerGrade(question.id, points_stored(question.points * share), share == 1 and points > 0)
    correct = is_correct(answer, question)
    return AnswerGrade(question.id, points if correct else Decimal(0), correct)


def multiple_choice_share(selected: frozenset[int], correct: frozenset[int]) -> Fraction:
    """max(0, (correct selected - wrong selected) / correct in total), exactly; 0 without a correct
    choice."""
    if not correct:
        return Fraction(0)
    right = len(selected & correct)
    wrong = len(selected - correct)
    return max(Fraction(0), Fraction(right - wrong, len(correct)))


def is_correct(answer: GivenAnswer, question: QuestionKey) -> bool:
    if question.kind in (SINGLE, TRUE_FALSE):
        return len(question.correct_choice_ids) == 1 and answer.choice_ids == question.correct_choice_ids
    if question.kind == NUMERIC:
        number = parse_decimal(answer.value)
        if number is None or question.numeric_answer is None:
            return False
        return abs(number - question.numeric_answer) <= question.numeric_tolerance
    if question.kind == SHORT_TEXT:
        typed = normalise_text(answer.value)
        return bool(typed) and typed in {normalise_text(text) for text in question.accepted_answers}
    return False


@dataclass(frozen=True)
class Attempt:
    """What the quiz status needs of one submission."""

    status: str
    """"pending", "graded" or "needs_review" (Submission.Status values)."""
    percent: Decimal | None
    passed: bool | None


QUIZ_STATUS_TAGS: dict[str, tuple[str, "StrOrPromise"]] = {
    "not_taken": ("", gettext_lazy("Not taken")),
    "pending": ("warn", gettext_lazy("Grading…")),
    "needs_review": ("warn", gettext_lazy("Waiting for mentor review")),
    "passed": ("ok", gettext_lazy("Passed")),
    "failed": ("bad", gettext_lazy("Failed")),
}
"""A `quiz_status` as pages show it: the tag's tone (a CSS class) and its words."""


def quiz_status(attempts: Sequence[Attempt]) -> str:
    """A learner's status on a quiz, from their attempts in the order made — the one definition:

    - "not_taken": no attempt;
    - "passed": any attempt passed;
    - "pending" / "needs_review": not passed, and the latest attempt is still being graded / waits for
      a mentor's review;
    - "failed": graded, never passed, nothing waiting (whether attempts are left or not).
    """
    if not attempts:
        return "not_taken"
    if any(attempt.passed for attempt in attempts):
        return "passed"
    latest = attempts[-1].status
    return "failed" if latest == "graded" else latest
