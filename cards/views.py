"""Review pages: the daily session (one card at a time), the learner's cards, a card's history.

Each view loads through `cards_visible_to` (or the learner's own due cards), calls a service, renders.
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from assessments.models import Question
from assessments.practice import questions_seen_by
from cards import services
from cards.forms import PracticeAnswerForm, RatingForm, RetentionForm, token_for, token_values
from cards.models import Card
from cards.scheduling import retry_rating, suggested_rating
from cards.selectors import (
    card_answer_check,
    cards_visible_to,
    day_end_for,
    next_due_card_for,
    review_profile_of,
)
from exercises.selectors import exercise_retry_for
from lms.forms import add_validation_error
from lms.markdown import render_markdown


def _own_active_card(request: HttpRequest, card_id: int) -> Card:
    card = (
        Card.objects.select_related("question__quiz__week", "exercise__week", "learner")
        .prefetch_related("question__choices")
        .filter(pk=card_id, learner_id=request.user.pk, retired_at__isnull=True)
        .first()
    )
    if card is None:
        raise Http404(gettext("No such card to review."))
    return card


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The next card due today (the learner's day), its question and an answer field."""
    before = day_end_for(learner=request.user)  # type: ignore[arg-type]
    card, summary = next_due_card_for(learner=request.user, before=before)  # type: ignore[arg-type]
    if card is None:
        return render(request, "cards/review_done.html", {"summary": summary})
    if card.question is None:  # a missed code exercise
        return _exercise_review(request, card, summary)
    now = timezone.now()
    form = PracticeAnswerForm(
        initial={"token": token_for(card=card.pk, shown=now.timestamp())}, question=card.question
    )
    context = {"card": card, "form": form, "summary": summary}
    return render(request, "cards/review_question.html", context)


def _exercise_review(request: HttpRequest, card: Card, summary: object) -> HttpResponse:
    """A missed exercise: its prompt, the hidden tests missed last time, a link to retry it (in the
    exercise's own editor, with its sandbox), the retry's result once there is one, and the rating."""
    exercise = card.exercise
    if exercise is None:  # (the table's check constraint: a card without a question has an exercise)
        raise Http404(gettext("No such card to review."))
    retry = exercise_retry_for(learner=request.user, exercise=exercise, since=card.due)  # type: ignore[arg-type]
    passed = retry.retry_passed
    suggested = retry_rating(passed=passed)
    token = token_for(card=card.pk, suggested=suggested, correct=passed, showing=card.reviews_count)
    context = {
        "card": card,
        "exercise": exercise,
        "summary": summary,
        "prompt_html": render_markdown(exercise.prompt),
        "retry": retry,
        "suggested": suggested,
        "rating_form": RatingForm(initial={"token": token, "rating": suggested}),
    }
    return render(request, "cards/review_exercise.html", context)


@login_required
@require_POST
def review_answer(request: HttpRequest, card_id: int) -> HttpResponse:
    """Check the answer with the quiz's grader, show the answer side and the suggested rating."""
    card = _own_active_card(request, card_id)
    question = card.question
    if question is None:  # nothing to answer here: an exercise is retried on its own page
        return redirect("cards:review")
    values = token_values(request.POST.get("token", ""), card_id=card.pk)
    data = request.POST.copy()
    if values is None:  # a page shown again carries a fresh token, so that the learner can go on
        data["token"] = token_for(card=card.pk, shown=timezone.now().timestamp())
    form = PracticeAnswerForm(data, question=question)
    if not form.is_valid() or values is None:
        if values is None:
            form.add_error(None, gettext("This page is out of date: answer the card again."))
        return render(request, "cards/review_question.html", {"card": card, "form": form}, status=400)
    try:
        back, check = card_answer_check(card=card, value=form.answer())
    except ValidationError as error:
        add_validation_error(form, error)
        return render(request, "cards/review_question.html", {"card": card, "form": form}, status=400)
    seconds = max(0.0, timezone.now().timestamp() - float(values.get("shown", 0)))
    suggested = suggested_rating(correct=check.correct, partly=check.partly, seconds=seconds)
    token = token_for(
        card=card.pk,
        suggested=suggested,
        correct=check.correct,
        ms=int(seconds * 1000),
        showing=card.reviews_count,
    )
    context = {
        "card": card,
        "given": form.cleaned_data.get("answer"),
        "given_text": _given_text(question, form.answer()),
        "check": check,
        "back": back,
        "suggested": suggested,
        "rating_form": RatingForm(initial={"token": token, "rating": suggested}),
    }
    return render(request, "cards/review_answer.html", context)


def _given_text(question: Question, value: object) -> str:
    if value is None:
        return ""
    if question.is_choice:
        chosen = set(value if isinstance(value, list) else [value])
        return "; ".join(choice.text for choice in question.choices.all() if choice.pk in chosen)
    return str(value)


@login_required
@require_POST
def review_rate(request: HttpRequest, card_id: int) -> HttpResponse:
    """Record the rating (the learner's choice; the suggestion was only preselected), then the next card."""
    card = _own_active_card(request, card_id)
    form = RatingForm(request.POST)
    values = token_values(request.POST.get("token", ""), card_id=card.pk) if form.is_valid() else None
    if values is None:
        messages.error(request, gettext("That rating could not be recorded: rate the card again."))
        return redirect("cards:review")
    try:
        recorded = services.card_review(
            learner=request.user,  # type: ignore[arg-type]
            card_id=card.pk,
            rating=form.cleaned_data["rating"],
            suggested_rating=values.get("suggested"),
            answer_correct=values.get("correct"),
            duration_ms=values.get("ms"),
            showing=values.get("showing", -1),  # (a token without it is from before: refused as stale)
        )
    except Card.DoesNotExist:
        messages.error(request, gettext("That card can no longer be reviewed."))
        return redirect("cards:review")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cards:review")
    messages.success(request, comes_back_message(recorded.due_after))
    return redirect("cards:review")


def comes_back_message(due: datetime) -> str:
    """ "Recorded. This card comes back in 10 minutes." (3 hours, 4 days): how far away a card's next
    review is, one whole sentence per unit so that each language words and pluralises it."""
    delta = due - timezone.now()
    if delta.total_seconds() < 60 * 60:
        minutes = max(1, round(delta.total_seconds() / 60))
        return ngettext(
            "Recorded. This card comes back in %(count)s minute.",
            "Recorded. This card comes back in %(count)s minutes.",
            minutes,
        ) % {"count": minutes}
    if delta.days < 1:
        hours = round(delta.total_seconds() / 3600)
        return ngettext(
            "Recorded. This card comes back in %(count)s hour.",
            "Recorded. This card comes back in %(count)s hours.",
            hours,
        ) % {"count": hours}
    days = delta.days + (1 if delta.seconds >= 12 * 3600 else 0)
    return ngettext(
        "Recorded. This card comes back in %(count)s day.",
        "Recorded. This card comes back in %(count)s days.",
        days,
    ) % {"count": days}


@login_required
def card_list(request: HttpRequest) -> HttpResponse:
    """The learner's cards, the questions they have seen that are not cards yet, their retention."""
    learner_id: int = request.user.pk  # type: ignore[assignment]
    cards = list(
        Card.objects.filter(learner_id=learner_id).select_related("question__quiz__week", "exercise__week")
    )
    carded = {card.question_id for card in cards}
    seen = [question for question in questions_seen_by(learner_id=learner_id) if question.pk not in carded]
    profile = review_profile_of(learner=request.user)  # type: ignore[arg-type]
    context = {
        "cards": cards,
        "seen": seen,
        "retention_form": RetentionForm(initial={"desired_retention": profile.desired_retention}),
    }
    return render(request, "cards/card_list.html", context)


@login_required
@require_POST
def card_add(request: HttpRequest) -> HttpResponse:
    question_id = request.POST.get("question", "")
    try:
        if not question_id.isdigit():
            raise ValidationError({"question": gettext("Choose a question.")})
        services.card_add(learner=request.user, question_id=int(question_id))  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cards:card-list")
    messages.success(request, gettext("Added: the card is due now."))
    return redirect("cards:card-list")


@login_required
@require_POST
def card_retire(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_object_or_404(Card, pk=card_id, learner_id=request.user.pk)
    services.card_retire(learner=request.user, card=card)  # type: ignore[arg-type]
    messages.success(request, gettext("Retired: the card will not come back unless you add it again."))
    return redirect("cards:card-list")


@login_required
def card_detail(request: HttpRequest, card_id: int) -> HttpResponse:
    """A card and its reviews: its learner, their mentor and staff."""
    card = get_object_or_404(cards_visible_to(user=request.user).select_related("learner"), pk=card_id)  # type: ignore[arg-type]
    context = {
        "card": card,
        "reviews": card.reviews.all()[:100],
        "is_own": card.learner_id == request.user.pk,
    }
    return render(request, "cards/card_detail.html", context)


@login_required
@require_POST
def retention_set(request: HttpRequest) -> HttpResponse:
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            services.desired_retention_set(
                learner=request.user,  # type: ignore[arg-type]
                desired_retention=form.cleaned_data["desired_retention"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
    if form.errors:
        context = {"cards": [], "seen": [], "retention_form": form, "zone": "UTC"}
        return render(request, "cards/card_list.html", context, status=400)
    messages.success(request, gettext("Saved: the next review of each card uses it."))
    return redirect("cards:card-list")
