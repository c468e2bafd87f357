"""Extra sign-up fields (allauth adds them to its form: ACCOUNT_SIGNUP_FORM_CLASS)."""

from django import forms
from django.http import HttpRequest

from accounts.models import User
from accounts.names import NAME_MAX_LENGTH, validate_name
from accounts.services import user_name_set


def display_name_field() -> forms.CharField:
    """The person's display name as a form field: the one definition, for sign-up and Settings."""
    return forms.CharField(
        label="Your name",
        max_length=NAME_MAX_LENGTH,
        required=False,
        validators=[validate_name],
        help_text=(
            "How your mentor and the site show you. Empty: the first and last name on your account, "
            "or else your e-mail address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class SignupForm(forms.Form):
    name = display_name_field()

    def signup(self, request: HttpRequest, user: User) -> None:
        user_name_set(user=user, name=self.cleaned_data["name"])
