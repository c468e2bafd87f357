"""The quiz as a form (one field per question, no answer key anywhere) and the mentor's review form."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.forms.renderers import Jinja2
from django.utils.translation import gettext, gettext_lazy, ngettext

from assessments.grading import parse_decimal
from assessments.models import Answer, Question, Quiz
from assessments.services import FEEDBACK_MAX, FREE_TEXT_MAX, SHORT_TEXT_MAX, field_name
from lms.idempotency import FIELD as REQUEST_KEY
from lms.idempotency import RequestKeyField


def validate_number(value: str) -> None:
    if parse_decimal(value) is None:
        raise ValidationError(gettext("Enter a number, like 0.5 or -3."))


class QuizForm(forms.Form):
    """Fields are named question_<id>, like the keys of the service's errors, so they land on the field.

    Its widgets are rendered by Django's own Jinja2 widget templates (the same markup): a quiz is
    dozens of radio and checkbox options, and each option through Django's template language made
    up two thirds of the quiz page's time."""

    default_renderer = Jinja2()

    def __init__(self, *args: Any, quiz: Quiz, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quiz = quiz
        self.questions = list(quiz.questions.all())
        for number, question in enumerate(self.questions, start=1):
            field = self.field_for(question)
            field.label = f"{number}. {question.prompt}"
            field.help_text = ngettext("%(count)s point", "%(count)s points", question.points) % {
                "count": question.points
            }
            self.fields[field_name(question)] = field
        # One-time: a retry of the same page's submit (after an error page, a double click) saves once.
        self.fields[REQUEST_KEY] = RequestKeyField()

    @staticmethod
    def field_for(question: Question) -> forms.Field:
        options = [(str(choice.pk), choice.text) for choice in question.choices.all()]
        if question.kind == Question.Kind.MULTIPLE:
            return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple)
        if question.is_choice:
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect)
        if question.kind == Question.Kind.NUMERIC:
            return forms.CharField(
                max_length=50,
                validators=[validate_number],
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        if question.kind == Question.Kind.SHORT_TEXT:
            return forms.CharField(
                max_length=SHORT_TEXT_MAX, widget=forms.TextInput(attrs={"autocomplete": "off"})
            )
        return forms.CharField(max_length=FREE_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}))

    def request_key(self) -> str:
        return str(self.cleaned_data.get(REQUEST_KEY) or "")

    def answers(self) -> dict[int, Any]:
        """The cleaned answers as the service takes them: question id → value."""
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}


class ReviewForm(forms.Form):
    """One per free-text answer on the review page; the prefix keeps the ids of several forms apart."""

    points = forms.DecimalField(
        label=gettext_lazy("Points"), min_value=Decimal(0), decimal_places=2, max_digits=6
    )
    feedback = forms.CharField(
        label=gettext_lazy("Feedback"),
        required=False,
        max_length=FEEDBACK_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, answer: Answer, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"answer-{answer.pk}")
        kwargs.setdefault(
            "initial",
            {"points": answer.awarded_points, "feedback": answer.feedback},
        )
        super().__init__(*args, **kwargs)
        self.answer = answer
        self.fields["points"].validators.append(MaxValueValidator(answer.question.points))
        self.fields["points"].widget.attrs.update({"max": answer.question.points, "step": "any"})
        self.fields["points"].help_text = gettext("Out of %(points)s.") % {"points": answer.question.points}
