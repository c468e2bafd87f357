"""One rule of a due card (cards.selectors.due_before, its twin Card.is_due): the learner's pages, the
mentor's page of one learner and the mentor table count the same cards — those falling due before the
end of the learner's day, in their time zone."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Question
from cards.lifecycle import CARD, DUE
from cards.models import Card
from cards.selectors import card_stats_for, day_end_of, due_before, due_summary_for
from cards.services import card_retire
from mentoring.services import mentees_assign
from mentoring.table import mentee_rows
from progress.services import enrolment_create

pytestmark = pytest.mark.django_db

# 00:30 UTC: in Kiritimati (UTC+14) it is 14:30, and the learner's day ends at 10:00 UTC.
NOW = datetime(2026, 12, 6, 0, 30, tzinfo=UTC)


@pytest.fixture
def far_east_learner(learner, mentor):
    with freeze_time(NOW):
        enrolment = enrolment_create(
            learner=learner, start_date=date(2026, 11, 30), timezone_name="Pacific/Kiritimati"
        )
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    questions = list(Question.objects.order_by("pk")[:4])
    dues = [
        NOW - timedelta(hours=1),
        NOW + timedelta(hours=2),
        NOW + timedelta(hours=9),
        NOW + timedelta(hours=10),
    ]
    Card.objects.bulk_create(
        Card(learner=learner, question=q, due=due) for q, due in zip(questions, dues, strict=True)
    )
    return enrolment


def test_the_mentor_table_and_the_learners_pages_count_the_same_cards(far_east_learner, learner, mentor):
    with freeze_time(NOW):
        day_end = day_end_of(far_east_learner)
        assert day_end == datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
        learners_count = due_summary_for(learner=learner, before=day_end).count
        mentor_page_count = card_stats_for(learner=learner, before=day_end).due_today
        [row] = mentee_rows(user=mentor)
    # due an hour ago, in 2 hours and in 9 hours: the day's work; in 10 hours is tomorrow for the learner
    assert learners_count == mentor_page_count == row.cards_due == 3


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    offsets=st.lists(st.integers(min_value=-72, max_value=72), min_size=1, max_size=4), retired=st.booleans()
)
def test_due_before_agrees_with_is_due(learner, offsets, retired):
    questions = list(Question.objects.order_by("pk")[: len(offsets)])
    cards = Card.objects.bulk_create(
        Card(learner=learner, question=q, due=NOW + timedelta(hours=h), retired_at=NOW if retired else None)
        for q, h in zip(questions, offsets, strict=False)
    )
    before = NOW + timedelta(hours=5)
    in_sql = set(Card.objects.filter(due_before(before), learner=learner).values_list("pk", flat=True))
    assert in_sql == {card.pk for card in cards if card.is_due(before=before)}
    Card.objects.filter(learner=learner).delete()


def test_retiring_asks_the_lifecycle_about_the_card_as_the_learners_pages_show_it(far_east_learner, learner):
    """A card due later in the learner's day is due on their pages (and the review accepts its rating),
    so retiring it is retiring a due card — not a scheduled one, as "due before now" would have it."""
    card = Card.objects.get(learner=learner, due=NOW + timedelta(hours=2))
    with freeze_time(NOW), mock.patch("cards.services.CARD", wraps=CARD) as lifecycle:
        card_retire(learner=learner, card=card)
    lifecycle.check.assert_called_once_with(state=DUE, move="retire")
    assert card.is_retired
