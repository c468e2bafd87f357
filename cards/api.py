"""Review cards over the API: the learner's due cards, submitting a review, stats; a card's history for
its learner, their mentor and staff. The same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from cards import services
from cards.models import Card
from cards.scheduling import retry_rating, suggested_rating
from cards.selectors import (
    card_answer_check,
    card_back_for,
    card_stats_for,
    cards_visible_to,
    day_end_for,
    desired_retention_of,
    due_cards_for,
)
from cards.serializers import (
    CardDetailSerializer,
    CardFrontSerializer,
    CardStatsSerializer,
    ReviewCreateSerializer,
    ReviewResultSerializer,
)
from exercises.selectors import exercise_retry_for


class DueCardListView(generics.ListAPIView):
    serializer_class = CardFrontSerializer

    def get_queryset(self) -> QuerySet[Card]:
        learner = self.request.user
        if getattr(self, "swagger_fake_view", False):  # the schema's generation: no user
            return Card.objects.none()
        return due_cards_for(learner=learner, before=day_end_for(learner=learner))  # type: ignore[arg-type]

    @extend_schema(
        summary="My cards due today (my time zone), earliest first, without their answers",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class CardReviewView(generics.GenericAPIView):
    serializer_class = ReviewCreateSerializer

    @extend_schema(
        summary="Review one of my cards",
        request=ReviewCreateSerializer,
        responses={201: ReviewResultSerializer},
        description="Records the rating and schedules the card with FSRS; returns the review, the card's "
        "next due time and its answer side (as much as the quiz's review options allow). Someone else's "
        "card or a retired one: 404. Quiz grades and attempts never change.",
    )
    def post(self, request: Request, pk: int) -> Response:
        card = (
            Card.objects.select_related("question__quiz__week", "exercise__week", "learner")
            .prefetch_related("question__choices")
            .filter(pk=pk, learner_id=request.user.pk, retired_at__isnull=True)
            .first()
        )
        if card is None:
            raise Http404(gettext("No such card to review."))
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        correct, suggested = None, None
        if card.exercise is not None:  # retried through the exercise's runs; the latest one suggests
            if data.get("answer") is not None:
                raise ValidationError(
                    {"answer": gettext("An exercise's card takes no answer: retry the exercise.")}
                )
            retry = exercise_retry_for(learner=card.learner, exercise=card.exercise, since=card.due)
            correct = retry.retry_passed
            suggested = retry_rating(passed=correct)
        elif "answer" in data:
            try:
                _, check = card_answer_check(card=card, value=data["answer"])
            except ValidationError as error:
                raise ValidationError({"answer": error.messages}) from error
            correct = check.correct
            seconds = data["duration_ms"] / 1000 if "duration_ms" in data else None
            suggested = suggested_rating(correct=check.correct, partly=check.partly, seconds=seconds)
        try:
            review = services.card_review(
                learner=request.user,  # type: ignore[arg-type]
                card_id=card.pk,
                rating=int(data["rating"]),
                suggested_rating=suggested,
                answer_correct=correct,
                duration_ms=data.get("duration_ms"),
            )
        except Card.DoesNotExist as error:  # retired meanwhile
            raise Http404(gettext("No such card to review.")) from error
        except ValidationError as error:  # not due (rated already)
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        card.refresh_from_db()
        result = {"review": review, "card": card, "back": card_back_for(card=card).__dict__}
        return Response(ReviewResultSerializer(result).data, status=status.HTTP_201_CREATED)


class CardStatsView(generics.GenericAPIView):
    serializer_class = CardStatsSerializer

    @extend_schema(summary="My review cards: due today, minutes, reviewed in 7 days, estimated retention")
    def get(self, request: Request) -> Response:
        learner = request.user
        stats = card_stats_for(learner=learner, before=day_end_for(learner=learner))  # type: ignore[arg-type]
        data = {
            "active": stats.active,
            "due_today": stats.due_today,
            "minutes": stats.minutes,
            "reviewed_last_7_days": stats.reviewed_last_7_days,
            "retention": stats.retention.overall,
            "retention_by_phase": [
                {"phase": phase, "retention": value} for phase, value in stats.retention.by_phase.items()
            ],
            "desired_retention": desired_retention_of(learner_id=learner.pk),  # type: ignore[arg-type]
        }
        return Response(CardStatsSerializer(data).data)


class CardDetailView(generics.RetrieveAPIView):
    serializer_class = CardDetailSerializer

    def get_queryset(self) -> QuerySet[Card]:
        return cards_visible_to(user=self.request.user).prefetch_related("reviews")  # type: ignore[arg-type]

    @extend_schema(summary="A review card with its reviews (its learner, their mentor, staff)")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)
