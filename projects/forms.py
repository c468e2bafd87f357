from django import forms
from django.utils.translation import gettext_lazy as _

from lms.markdown import COMMENT_HELP
from projects.models import Project, Review, Version
from projects.services import ScoreInput


class DraftForm(forms.ModelForm):
    class Meta:
        model = Version
        fields = ("repository_url", "commit", "report")
        labels = {
            "repository_url": _("Repository (https)"),
            "commit": _("Commit SHA or tag"),
            "report": _("Report"),
        }
        help_texts = {
            "repository_url": _("e.g. https://github.com/you/benchmark"),
            "commit": _(
                "The exact state to review: a commit SHA (7–40 hex characters) or a tag such as v1.0."
            ),
            "report": _("Markdown. What you built, how, the results, what you would do next."),
        }
        widgets = {"report": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.required = False  # a draft may be incomplete; submitting checks completeness


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Add a file"))


class ReviewForm(forms.Form):
    """A level, points and a comment per criterion of the project's rubric, then the decision."""

    def __init__(self, *args: object, project: Project, initial_scores: dict | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        initial_scores = initial_scores or {}
        self.criteria = list(project.criteria.all())
        for criterion in self.criteria:
            levels = list(criterion.levels.all())
            before = initial_scores.get(criterion.pk)
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Level"),
                choices=[(level.pk, str(level.range)) for level in levels],
                coerce=int,
                widget=forms.RadioSelect,
                initial=before.level_id if before else None,
            )
            self.fields[f"points_{criterion.pk}"] = forms.IntegerField(
                label=_("Points"), min_value=0, max_value=1000, initial=before.points if before else None
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=COMMENT_HELP,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Overall comment"),
            max_length=10_000,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=COMMENT_HELP,
        )
        self.fields["decision"] = forms.ChoiceField(
            label=_("Decision"), choices=Review.Decision.choices, widget=forms.RadioSelect
        )

    def criterion_fields(self) -> list[tuple[object, list[forms.BoundField]]]:
        return [
            (
                criterion,
                [
                    self[f"level_{criterion.pk}"],
                    self[f"points_{criterion.pk}"],
                    self[f"comment_{criterion.pk}"],
                ],
            )
            for criterion in self.criteria
        ]

    def scores(self) -> list[ScoreInput]:
        data = self.cleaned_data
        return [
            ScoreInput(
                criterion_id=criterion.pk,
                level_id=data[f"level_{criterion.pk}"],
                points=data[f"points_{criterion.pk}"],
                comment=data.get(f"comment_{criterion.pk}", ""),
            )
            for criterion in self.criteria
        ]
