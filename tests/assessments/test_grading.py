"""The pure grading function, every kind and its edge cases (no database)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from assessments.grading import (
    GivenAnswer,
    QuestionKey,
    grade,
    normalise_text,
    parse_decimal,
    percent_of,
    percent_text,
)

SINGLE = QuestionKey(id=1, kind="single", points=2, correct_choice_ids=frozenset({11}))
TRUE_FALSE = QuestionKey(id=2, kind="true_false", points=1, correct_choice_ids=frozenset({21}))
MULTIPLE = QuestionKey(id=3, kind="multiple", points=3, correct_choice_ids=frozenset({31, 32, 33}))
NUMERIC = QuestionKey(
    id=4, kind="numeric", points=1, numeric_answer=Decimal("0.5"), numeric_tolerance=Decimal("0.05")
)
EXACT_NUMERIC = QuestionKey(id=5, kind="numeric", points=1, numeric_answer=Decimal("3"))
SHORT = QuestionKey(id=6, kind="short_text", points=1, accepted_answers=("ReLU", "Rectified  Linear Unit"))
FREE = QuestionKey(id=7, kind="free_text", points=5)


def one(question: QuestionKey, *, choices=(), value: str = ""):
    result = grade([GivenAnswer(question.id, frozenset(choices), value)], [question])
    return result.answers[question.id]


@pytest.mark.parametrize(("choices", "points", "correct"), [
    ({11}, 2, True), ({12}, 0, False), (set(), 0, False), ({11, 12}, 0, False),
])  # fmt: skip
def test_single_choice_needs_exactly_the_correct_choice(choices, points, correct):
    graded = one(SINGLE, choices=choices)
    assert graded.awarded_points == points
    assert graded.is_correct is correct


def test_true_false_is_graded_like_single_choice():
    assert one(TRUE_FALSE, choices={21}).awarded_points == 1
    assert one(TRUE_FALSE, choices={22}).awarded_points == 0


def test_a_single_choice_key_with_two_correct_choices_gives_nothing():
    broken = QuestionKey(id=1, kind="single", points=2, correct_choice_ids=frozenset({11, 12}))
    assert one(broken, choices={11}).awarded_points == 0


@pytest.mark.parametrize(("choices", "points"), [
    ({31, 32, 33}, Decimal("3")),        # all correct
    ({31, 32}, Decimal("2")),            # 2 of 3 correct
    ({31}, Decimal("1")),                # 1 of 3
    ({31, 32, 33, 34}, Decimal("2")),    # all correct, one wrong: (3 - 1) / 3
    ({31, 34}, Decimal("0")),            # one right cancelled by one wrong
    ({34, 35}, Decimal("0")),            # only wrong ones: never below 0
    (set(), Decimal("0")),               # nothing selected
    ({31, 32, 33, 34, 35}, Decimal("1")),  # ticking every box: (3 - 2) / 3
])  # fmt: skip
def test_multiple_choice_partial_credit(choices, points):
    assert one(MULTIPLE, choices=choices).awarded_points == points


def test_multiple_choice_keeps_its_share_to_millionths_and_is_correct_only_when_complete():
    two_points = QuestionKey(id=3, kind="multiple", points=2, correct_choice_ids=frozenset({31, 32, 33}))
    assert one(two_points, choices={31}).awarded_points == Decimal("0.666667")
    assert one(two_points, choices={31}).is_correct is False
    assert one(two_points, choices={31, 32, 33}).is_correct is True


def test_the_percentage_comes_from_the_exact_points_not_from_points_rounded_per_question():
    """Five of six one-point questions right and a third of the sixth: 5⅓ / 6 is 88.89 %. Rounding the
    third to 0.33 first gave 5.33 / 6 = 88.83 % (issue 40)."""
    singles = [
        QuestionKey(id=n, kind="single", points=1, correct_choice_ids=frozenset({n})) for n in range(5)
    ]
    third = QuestionKey(id=9, kind="multiple", points=1, correct_choice_ids=frozenset({91, 92, 93}))
    answers = [GivenAnswer(n, frozenset({n})) for n in range(5)] + [GivenAnswer(9, frozenset({91}))]
    result = grade(answers, [*singles, third])
    assert result.percent == Decimal("88.89")
    assert result.score == Decimal("5.333333")
    assert percent_text(result.percent) == "88.89"
    # Three thirds add up to one point, not 0.99 or 1.01.
    thirds = [
        QuestionKey(id=n, kind="multiple", points=1, correct_choice_ids=frozenset({1, 2, 3}))
        for n in (1, 2, 3)
    ]
    result = grade([GivenAnswer(n, frozenset({1})) for n in (1, 2, 3)], thirds)
    assert result.percent == Decimal("33.33")
    assert result.exact_score == 1


def test_the_exact_rounding_is_half_up_on_the_fraction():
    assert percent_of(Fraction(1, 8), 1) == Decimal("12.50")
    assert percent_of(Fraction(1, 6), 1) == Decimal("16.67")
    assert percent_of(Fraction(2001, 4000), 10) == Decimal("5.00")  # 5.0025 → 5.00
    assert percent_of(Fraction(1001, 200), 100) == Decimal("5.01")  # 5.005 → 5.01


def test_multiple_choice_without_a_correct_choice_in_the_key_gives_nothing():
    broken = QuestionKey(id=3, kind="multiple", points=2)
    assert one(broken, choices={31}).awarded_points == 0


@pytest.mark.parametrize(("value", "points"), [
    ("0.5", 1), ("0.55", 1), ("0.45", 1),      # tolerance is inclusive at both ends
    ("0.5500001", 0), ("0.4499", 0),
    (" 0.50 ", 1), ("5e-1", 1), (".5", 1),
    ("", 0), ("half", 0), ("NaN", 0), ("Infinity", 0), ("0,5", 0),
])  # fmt: skip
def test_numeric_with_tolerance(value, points):
    assert one(NUMERIC, value=value).awarded_points == points


def test_numeric_without_tolerance_needs_the_exact_value_whatever_its_form():
    assert one(EXACT_NUMERIC, value="3").awarded_points == 1
    assert one(EXACT_NUMERIC, value="3.000").awarded_points == 1
    assert one(EXACT_NUMERIC, value="3.0001").awarded_points == 0
    assert one(EXACT_NUMERIC, value="-3").awarded_points == 0


def test_numeric_without_an_answer_in_the_key_gives_nothing():
    assert one(QuestionKey(id=5, kind="numeric", points=1), value="3").awarded_points == 0


@pytest.mark.parametrize(("value", "points"), [
    ("ReLU", 1), ("relu", 1), ("  RELU  ", 1), ("rectified linear unit", 1), ("Rectified\tLinear\nUnit", 1),
    ("ＲｅＬＵ", 1),  # full-width letters normalise (NFKC)
    ("ReLU.", 0), ("Re LU", 0), ("", 0), ("   ", 0), ("sigmoid", 0),
])  # fmt: skip
def test_short_text_ignores_case_and_spacing_only(value, points):
    assert one(SHORT, value=value).awarded_points == points


def test_short_text_without_accepted_answers_accepts_nothing():
    assert one(QuestionKey(id=6, kind="short_text", points=1), value="").awarded_points == 0


def test_free_text_waits_for_review_and_the_percent_with_it():
    result = grade([GivenAnswer(1, frozenset({11})), GivenAnswer(7, value="My essay")], [SINGLE, FREE])
    assert result.answers[7].needs_review is True
    assert result.answers[7].awarded_points is None
    assert result.needs_review is True
    assert result.score == 2
    assert result.max_score == 7
    assert result.percent is None
    assert result.passed(70) is None


def test_an_empty_free_text_answer_gets_nothing_without_review():
    graded = one(FREE, value="  ")
    assert graded.needs_review is False
    assert graded.awarded_points == 0


def test_a_whole_quiz_scores_percent_and_pass_mark():
    questions = [SINGLE, TRUE_FALSE, MULTIPLE, NUMERIC, SHORT]  # 8 points
    answers = [
        GivenAnswer(1, frozenset({11})),  # 2
        GivenAnswer(2, frozenset({22})),  # 0
        GivenAnswer(3, frozenset({31, 32})),  # 2
        GivenAnswer(4, value="0.52"),  # 1
        GivenAnswer(6, value="relu"),  # 1
    ]
    result = grade(answers, questions)
    assert result.score == 6
    assert result.max_score == 8
    assert result.percent == Decimal("75.00")
    assert result.passed(75) is True
    assert result.passed(76) is False


def test_unanswered_questions_score_zero_and_answers_to_unknown_questions_are_ignored():
    result = grade([GivenAnswer(99, frozenset({11}))], [SINGLE, NUMERIC])
    assert result.score == 0
    assert result.max_score == 3
    assert set(result.answers) == {1, 4}
    assert result.percent == 0


def test_an_empty_quiz_scores_zero_percent():
    assert grade([], []).percent == 0


def test_percent_rounds_half_up():
    thirds = [
        QuestionKey(id=n, kind="single", points=1, correct_choice_ids=frozenset({n})) for n in (1, 2, 3)
    ]
    assert grade([GivenAnswer(1, frozenset({1}))], thirds).percent == Decimal("33.33")
    assert grade([GivenAnswer(n, frozenset({n})) for n in (1, 2)], thirds).percent == Decimal("66.67")


def test_helpers():
    assert normalise_text("  A\u00a0 b\tC ") == "a b c"
    assert parse_decimal("1e3") == 1000
    assert parse_decimal("1,000") is None
