"""The daily retention refresh and the backfill command: idempotent, by id."""

from datetime import timedelta

import pytest
from celery.signals import task_prerun
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cards.models import Card, ReviewProfile
from cards.services import card_review
from cards.tasks import cards_create_for_submission, refresh_retention_estimates
from tests.assessments.conftest import make_quiz
from tests.cards.conftest import card_for, graded_attempt
from tests.database_sessions import other_session


def test_the_daily_task_stores_each_learners_retention_as_it_decays(learner, other_learner):
    card = card_for(learner, make_quiz(week=1), now=timezone.now() - timedelta(days=30))
    card_review(learner=learner, card_id=card.pk, rating=3, now=timezone.now() - timedelta(days=30))
    first = ReviewProfile.objects.get(learner=learner).retention_estimate
    card_for(other_learner, make_quiz(week=2))  # never reviewed: no estimate
    assert refresh_retention_estimates() == 2
    assert ReviewProfile.objects.get(learner=learner).retention_estimate < first
    assert ReviewProfile.objects.get(learner=other_learner).retention_estimate is None
    assert PeriodicTask.objects.filter(task="cards.tasks.refresh_retention_estimates", enabled=True).exists()


def test_the_backfill_makes_the_missing_cards_once(learner, capsys):
    quiz = make_quiz(week=1, max_attempts=1)
    submission = graded_attempt(learner, quiz)
    call_command("cards_backfill")
    call_command("cards_backfill")
    assert Card.objects.filter(learner=learner).count() == 3
    assert "3 review cards created." in capsys.readouterr().out
    assert cards_create_for_submission(submission.pk) == 0  # the task, by id: nothing new
    assert cards_create_for_submission(999999) == 0  # gone: quietly nothing


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("task", [cards_create_for_submission, refresh_retention_estimates])
def test_a_connection_the_database_dropped_is_replaced_before_a_card_task_starts(task, monkeypatch):
    """As before a grading task (issue 37: the card tasks retried once per connection killed)."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend")
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.ensure_connection()
    connection.close_at = None  # a connection the worker keeps across tasks (CONN_MAX_AGE)
    with other_session() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    request = task.request  # a task run by a worker, not eagerly
    assert not request.is_eager
    task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
    assert ReviewProfile.objects.count() == 0  # the query ran on a new connection
