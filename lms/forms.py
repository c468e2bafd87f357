from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict


class DateInput(forms.DateInput):
    """`<input type="date">`, whose value browsers accept only as YYYY-MM-DD: never the locale's format
    (en-gb renders 30/11/2026, which the browser drops, leaving the field blank)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def posted_data(request: HttpRequest) -> QueryDict | None:
    """A form's data: the POST, even an empty one (`request.POST or None` would leave the form of an
    empty POST unbound, answered with no error message), else None (a GET shows the form unbound)."""
    return request.POST if request.method == "POST" else None


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
