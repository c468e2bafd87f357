"""Reads of review cards. `cards_visible_to` is the one place that scopes them.

"Due" is the learner's day: a card counts as due when it falls due before their next midnight, in
their time zone (`due_before`, the one rule), so the dashboard's count is the day's work.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Expression, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from assessments.models import Question
from assessments.practice import PracticeCheck, latest_feedback_for, practice_check, quiz_review_for
from cards import scheduling
from cards.models import RETENTION_DEFAULT, Card, Review, ReviewProfile
from progress.models import Enrolment
from progress.predicates import NextMidnight
from progress.scope import enrolment_latest_for, enrolments_mentored_by
from progress.selectors import next_midnight_for

SECONDS_PER_CARD = 20
"""A review's usual length, for "about M minutes" (the learner's own mean once they have reviewed)."""
RECENT = timedelta(days=7)


def cards_visible_to(*, user: User) -> QuerySet[Card]:
    """Learners see their own cards; mentors those of the learners they mentor now (progress's one
    rule, `enrolments_mentored_by`); staff all."""
    cards = Card.objects.select_related("question__quiz__week", "exercise__week")
    if not user.is_authenticated:
        return cards.none()
    if user.is_staff:
        return cards
    if user.is_mentor:
        mentored = enrolments_mentored_by(mentor=user).values("learner_id")
        return cards.filter(Q(learner_id__in=mentored) | Q(learner=user))
    return cards.filter(learner=user)


def day_end_for(*, learner: User) -> datetime:
    """The learner's next midnight (their enrolment's time zone; UTC without one)."""
    enrolment = enrolment_latest_for(learner=learner)
    return day_end_of(enrolment)


def time_zone_of(*, learner: User) -> str:
    """The learner's time zone (their enrolment's), UTC without one: how their pages show times."""
    enrolment = enrolment_latest_for(learner=learner)
    return enrolment.timezone if enrolment else "UTC"


def day_end_of(enrolment: Enrolment | None) -> datetime:
    if enrolment is not None:
        return next_midnight_for(enrolment)
    tomorrow = timezone.now().astimezone(UTC).date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC)


def active_cards() -> QuerySet[Card]:
    return Card.objects.filter(retired_at__isnull=True)


def due_before(before: datetime | Expression) -> Q:
    """The one rule of a due card: active, and falling due before `before` — the end of the learner's
    day (`day_end_of`; in a list of many learners, each one's `progress.predicates.NextMidnight`), so
    that every page counts the day's work alike. Its twin is `Card.is_due`."""
    return Q(retired_at__isnull=True, due__lt=before)


def due_cards_for(*, learner: User, before: datetime) -> QuerySet[Card]:
    """The learner's cards due before `before`, earliest first, with question and choices or exercise
    (2 queries)."""
    return (
        active_cards()
        .filter(due_before(before), learner=learner)
        .select_related("question__quiz__week", "exercise__week")
        .prefetch_related("question__choices")
        .order_by("due", "id")
    )


@dataclass(frozen=True)
class DueSummary:
    count: int
    minutes: int


def due_summary_for(*, learner: User, before: datetime) -> DueSummary:
    """How many cards are due today and about how long they take (one query)."""
    count = Card.objects.filter(due_before(before), learner_id=learner.pk).count()
    return DueSummary(count=count, minutes=minutes_for(count))


def minutes_for(count: int) -> int:
    return math.ceil(count * SECONDS_PER_CARD / 60)


def next_due_card_for(*, learner: User, before: datetime) -> tuple[Card | None, DueSummary]:
    """The review page's card (the earliest due) and the day's count, in one query (and its choices)."""
    cards = list(due_cards_for(learner=learner, before=before).annotate(due_total=Window(Count("id")))[:1])
    if not cards:
        return None, DueSummary(count=0, minutes=0)
    total: int = cards[0].due_total  # type: ignore[attr-defined]
    return cards[0], DueSummary(count=total, minutes=minutes_for(total))


def due_counts_for(*, day_ends: Mapping[int, datetime]) -> dict[int, int]:
    """Cards due per learner before each one's day end (learner id → end): one query (reminders)."""
    by_end: dict[datetime, list[int]] = defaultdict(list)
    for learner_id, end in day_ends.items():
        by_end[end].append(learner_id)
    if not by_end:
        return {}
    condition = Q()
    for end, ids in by_end.items():
        condition |= Q(learner_id__in=ids) & due_before(end)
    rows = active_cards().filter(condition).order_by().values("learner_id").annotate(n=Count("id"))
    return {row["learner_id"]: row["n"] for row in rows}


def desired_retention_of(*, learner_id: int) -> float:
    value = (
        ReviewProfile.objects.filter(learner_id=learner_id)
        .values_list("desired_retention", flat=True)
        .first()
    )
    return value if value is not None else RETENTION_DEFAULT


def review_profile_of(*, learner: User) -> ReviewProfile:
    """The learner's profile, or an unsaved one with the defaults."""
    return ReviewProfile.objects.filter(learner=learner).first() or ReviewProfile(learner=learner)


@dataclass(frozen=True)
class RetentionEstimate:
    overall: float | None
    by_phase: dict[int, float] = field(default_factory=dict)


def retention_estimates(*, learner_ids: Iterable[int], now: datetime) -> dict[int, RetentionEstimate]:
    """Mean recall chance now (the `fsrs` scheduler's retrievability) of each learner's reviewed active
    cards, overall and per curriculum phase; None without a reviewed card. One query."""
    ids = list(learner_ids)
    cards = _cards_with_phase().filter(learner_id__in=ids, last_review__isnull=False)
    return _estimates(cards, learner_ids=ids, now=now)


def _cards_with_phase() -> QuerySet[Card]:
    return (
        active_cards()
        .only("id", "learner_id", "state", "step", "stability", "difficulty", "due", "last_review")
        .annotate(phase=Coalesce("question__quiz__week__phase__number", "exercise__week__phase__number"))
        .order_by()
    )


def _estimates(
    cards: Iterable[Card], *, learner_ids: list[int], now: datetime
) -> dict[int, RetentionEstimate]:
    scheduler = scheduling.scheduler_for(RETENTION_DEFAULT)  # retrievability ignores desired retention
    values: dict[int, dict[int, list[float]]] = {learner_id: {} for learner_id in learner_ids}
    for card in cards:
        if card.last_review is None:
            continue
        chance = scheduling.retrievability(card, scheduler=scheduler, now=now)
        values[card.learner_id].setdefault(card.phase, []).append(chance)  # type: ignore[attr-defined]
    estimates = {}
    for learner_id, by_phase in values.items():
        every = [chance for chances in by_phase.values() for chance in chances]
        estimates[learner_id] = RetentionEstimate(
            overall=round(sum(every) / len(every), 3) if every else None,
            by_phase={phase: round(sum(c) / len(c), 3) for phase, c in sorted(by_phase.items())},
        )
    return estimates


@dataclass(frozen=True)
class CardStats:
    active: int
    due_today: int
    minutes: int
    reviewed_last_7_days: int
    retention: RetentionEstimate


def card_stats_for(*, learner: User, before: datetime, now: datetime | None = None) -> CardStats:
    """What the learner's mentor sees, and the stats API, in one query: the learner's active cards and
    those due before `before`, their reviews in the last 7 days (of retired cards too), and the stored
    retention estimate (`ReviewProfile`: written by each review, retirement and the daily task — the
    figure the mentor table shows, so the two agree; no card of 200 is read for it)."""
    now = now or timezone.now()
    active = active_cards().filter(learner_id=OuterRef("pk"))
    recent = Review.objects.filter(learner_id=OuterRef("pk"), reviewed_at__gte=now - RECENT)
    row = (
        User.objects.filter(pk=learner.pk)
        .values(
            active=_count_by_learner(active),
            due=_count_by_learner(active.filter(due_before(before))),
            reviewed=_count_by_learner(recent),
            retention=F("review_profile__retention_estimate"),
            by_phase=F("review_profile__retention_by_phase"),
        )
        .get()
    )
    by_phase = {int(phase): value for phase, value in (row["by_phase"] or {}).items()}
    return CardStats(
        active=row["active"],
        due_today=row["due"],
        minutes=minutes_for(row["due"]),
        reviewed_last_7_days=row["reviewed"],
        retention=RetentionEstimate(row["retention"], dict(sorted(by_phase.items()))),
    )


class _RowCount(Subquery):
    """`(SELECT COUNT(*) FROM (<rows>))`: 0 when there are none. Django's idiom for a correlated count
    (values, annotate Count, values again, wrapped in Coalesce) grouped the rows by learner and cost
    the mentor table's page three times as much to build and compile."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _count_by_learner(rows: QuerySet[Any]) -> _RowCount:
    """How many of `rows` (cards or reviews, correlated with the outer row by learner), 0 for none: a
    subquery, for the stats and the mentor table's columns alike."""
    return _RowCount(rows.order_by().values("pk"))


# The mentor table's columns, as annotations of a queryset of enrolments (subqueries, no extra query).
CARD_RETENTION = "learner__review_profile__retention_estimate"


def card_columns(*, now: datetime) -> dict[str, object]:
    return {
        # Each learner's day, as on their own pages and their mentor's page of them.
        "cards_due": _count_by_learner(
            Card.objects.filter(
                due_before(NextMidnight(now, OuterRef("timezone"))), learner_id=OuterRef("learner_id")
            )
        ),
        "cards_reviewed_7d": _count_by_learner(
            Review.objects.filter(learner_id=OuterRef("learner_id"), reviewed_at__gte=now - RECENT)
        ),
        "cards_retention": F(CARD_RETENTION),
        "cards_retention_by_phase": F("learner__review_profile__retention_by_phase"),
    }


def learner_ids_with_cards() -> list[int]:
    return list(Card.objects.order_by("learner_id").values_list("learner_id", flat=True).distinct())


@dataclass(frozen=True)
class CardBack:
    """The answer side of a card, as much as the quiz's review options let the learner see."""

    correct_answer: str = ""
    explanation: str = ""
    feedback: str = ""
    key_hidden: bool = False
    """True while the quiz's answers may not be shown to the learner (`review_for` says no)."""


def card_back_for(*, card: Card) -> CardBack:
    """What the card's learner sees after answering (3 queries at most); nothing for an exercise's card
    (its reference solution is never shown)."""
    question = card.question
    if question is None:
        return CardBack()
    review = quiz_review_for(learner=card.learner, quiz_id=question.quiz_id)
    feedback = ""
    if question.kind == Question.Kind.FREE_TEXT and review.right_wrong:
        feedback = latest_feedback_for(learner_id=card.learner_id, question_id=question.pk)
    return CardBack(
        correct_answer=correct_answer_text(question) if review.correct_answers else "",
        explanation=question.explanation if review.explanations else "",
        feedback=feedback,
        key_hidden=not review.correct_answers,
    )


def correct_answer_text(question: Question) -> str:
    """The answer key in words (choices prefetched)."""
    if question.is_choice:
        return "; ".join(question.correct_choice_texts)
    if question.kind == Question.Kind.NUMERIC and question.numeric_answer is not None:
        answer = format(question.numeric_answer.normalize(), "f")
        tolerance = question.numeric_tolerance.normalize()
        return f"{answer} (± {format(tolerance, 'f')})" if tolerance else answer
    if question.kind == Question.Kind.SHORT_TEXT:
        return " / ".join(question.accepted_answers)
    return ""


def card_answer_check(*, card: Card, value: object) -> tuple[CardBack, PracticeCheck]:
    """The answer side and the check of a practice answer. While the quiz's answers are hidden from the
    learner, the answer is not checked at all: "right" or "not right" for any guess would hand out the
    key of a quiz they can still attempt for a grade. Raises ValidationError for a malformed answer."""
    back = card_back_for(card=card)
    if back.key_hidden or card.question is None:
        return back, PracticeCheck(correct=None)
    return back, practice_check(question=card.question, value=value)
