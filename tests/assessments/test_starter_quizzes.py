"""The starter quizzes shipped in fixtures/starter_quizzes.json: every week, gradable, loadable twice."""

from collections import Counter

import pytest
from django.core.management import call_command

from assessments.models import Question, Quiz, choice_problems
from tests.conftest import REPO


@pytest.mark.django_db
def test_every_week_has_a_published_quiz_of_at_least_four_answerable_questions():
    quizzes = Quiz.objects.filter(is_published=True).prefetch_related("questions__choices")
    by_week = {quiz.week.number: quiz for quiz in quizzes.select_related("week")}
    assert sorted(by_week) == list(range(1, 53))
    for number, quiz in by_week.items():
        questions = list(quiz.questions.all())
        assert len(questions) >= 4, number
        for question in questions:
            where = f"week {number}, question {question.order}"
            question.full_clean()
            choices = [(c.text, c.is_correct) for c in question.choices.all()]
            assert choice_problems(question.kind, choices) == [], where
            assert question.explanation.strip(), where
            if question.kind == Question.Kind.FREE_TEXT:
                continue  # graded by a mentor
            has_key = {
                Question.Kind.NUMERIC: question.numeric_answer is not None,
                Question.Kind.SHORT_TEXT: bool(question.accepted_answers),
            }.get(question.kind, any(correct for _, correct in choices))
            assert has_key, where


@pytest.mark.django_db
def test_the_starter_quizzes_mix_question_kinds():
    kinds = Counter(Question.objects.filter(quiz__is_published=True).values_list("kind", flat=True))
    assert {"single", "multiple", "true_false", "numeric"} <= set(kinds)


@pytest.mark.django_db
def test_loading_the_quizzes_again_changes_nothing_and_new_ids_do_not_collide():
    before = Question.objects.count()
    call_command("load_curriculum", REPO / "fixtures" / "starter_quizzes.json", verbosity=0)
    assert Question.objects.count() == before
    quiz = Quiz.objects.create(week=Quiz.objects.first().week, title="Admin-made")  # the id sequence moved on
    assert quiz.pk > max(Quiz.objects.exclude(pk=quiz.pk).values_list("pk", flat=True))
