"""Forms of the review page: the practice answer (shaped by the question's kind), the rating, settings.

A signed token carries what the server decided between two pages (which card, when it was shown, the
suggested rating), so neither the time taken nor the suggestion can be forged by the browser.
"""

from typing import Any

from django import forms
from django.core import signing
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from assessments.models import Question
from cards.models import RETENTION_MAX, RETENTION_MIN, Review

TOKEN_SALT = "cards.review"
TOKEN_MAX_AGE = 24 * 60 * 60


def token_for(**values: Any) -> str:
    return signing.dumps(values, salt=TOKEN_SALT)


def token_values(token: str, *, card_id: int) -> dict[str, Any] | None:
    """The token's values when it is genuine, fresh and for this card, else None."""
    try:
        values = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return values if isinstance(values, dict) and values.get("card") == card_id else None


class PracticeAnswerForm(forms.Form):
    """One question's answer field; left empty it means "I don't know"."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        label = question.prompt
        choices = [(str(choice.pk), choice.text) for choice in question.choices.all()]
        field: forms.Field
        if question.kind == Question.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
            )
        elif question.is_choice:
            field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=False)
        elif question.kind == Question.Kind.FREE_TEXT:
            field = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                max_length=5000,
                help_text=_("Write your answer, then compare it with the feedback."),
            )
        else:
            field = forms.CharField(label=label, required=False, max_length=200)
        self.fields["answer"] = field

    def answer(self) -> object:
        value = self.cleaned_data.get("answer")
        if self.question.kind == Question.Kind.MULTIPLE:
            return [int(item) for item in value or []]
        if self.question.is_choice:
            return int(value) if value else None
        return value or None


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(choices=Review.Rating.choices, coerce=int, widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)


class RetentionForm(forms.Form):
    desired_retention = forms.FloatField(
        label=_("Desired retention"),
        min_value=RETENTION_MIN,
        max_value=RETENTION_MAX,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text=format_lazy(
            _(
                "The chance of remembering a card when it comes back ({low} to {high}). "
                "Higher means more reviews."
            ),
            low=RETENTION_MIN,
            high=RETENTION_MAX,
        ),
    )
