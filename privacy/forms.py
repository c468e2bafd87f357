from django import forms

from privacy.deletion import CONFIRMATION_PHRASE


class DeletionForm(forms.Form):
    """Confirm with the password, or (an account without one) by typing the phrase."""

    password = forms.CharField(
        label="Your password", required=False, max_length=4096, widget=forms.PasswordInput(render_value=False)
    )
    phrase = forms.CharField(label=f"Type “{CONFIRMATION_PHRASE}”", required=False, max_length=100)

    def __init__(self, *args: object, has_password: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["phrase" if has_password else "password"]
