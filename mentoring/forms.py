from django import forms
from django.utils.translation import gettext_lazy as _

from lms.idempotency import RequestKeyField
from lms.markdown import COMMENT_HELP
from mentoring.models import PhaseReview


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("Feedback"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        strip=True,
        help_text=COMMENT_HELP,
    )
    request_key = RequestKeyField()  # one-time: a retry after an error page saves the feedback once


REPLY_MAX = 2000


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REPLY_MAX,
        strip=True,
        help_text=COMMENT_HELP,
    )


class PhaseReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=PhaseReview.Decision.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
