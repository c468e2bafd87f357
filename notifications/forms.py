from django import forms

from notifications.models import Delivery
from notifications.selectors import PreferenceRow


class PreferencesForm(forms.Form):
    """One choice of delivery per kind of notice the user may receive."""

    def __init__(self, *args: object, rows: list[PreferenceRow], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for row in rows:
            self.fields[row.kind.kind] = forms.ChoiceField(
                label=row.kind.label,
                choices=Delivery.choices,
                initial=row.delivery,
                widget=forms.Select,
            )
