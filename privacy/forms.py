from django import forms
from django.utils.translation import gettext, gettext_lazy

from privacy.deletion import confirmation_phrase


class DeletionForm(forms.Form):
    """Confirm with the password, or (an account without one) by typing the phrase."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        required=False,
        max_length=4096,
        widget=forms.PasswordInput(render_value=False),
    )
    phrase = forms.CharField(required=False, max_length=100)

    def __init__(self, *args: object, has_password: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["phrase" if has_password else "password"]
        if not has_password:  # the phrase in the reader's language
            self.fields["phrase"].label = gettext("Type “%(phrase)s”") % {"phrase": confirmation_phrase()}
