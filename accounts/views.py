"""The site's log-in page (allauth's, answering a lock-out as the API does: 429 with Retry-After), a
person's preferences page, and the settings page that names every other."""

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.forms import PreferencesForm
from accounts.models import User
from accounts.preferences import user_locale_set
from lms.forms import posted_data


class LoginView(AllauthLoginView):
    def form_invalid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = super().form_invalid(form)
        if any(error.code == "too_many_login_attempts" for error in form.non_field_errors().as_data()):
            response.status_code = 429
            response["Retry-After"] = str(getattr(self.request, "login_retry_after", 60))
        return response


login = LoginView.as_view()


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    """The header's one Settings: every settings page named in one place (each keeps its own address,
    form and view: learning settings, preferences, notice preferences, the account's security)."""
    return render(request, "account/settings.html")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The person's time zone, language and weekly e-mail time (everyone: learners, mentors, staff)."""
    user = request.user
    assert isinstance(user, User)
    form = PreferencesForm(posted_data(request), initial=PreferencesForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        user_locale_set(user=user, **form.cleaned_data)
        if user.language:
            translation.activate(user.language)  # the message below, in the language just chosen
        messages.success(request, gettext("Preferences saved."))
        response = redirect("account_preferences")
        if user.language:  # anonymous pages after logging out keep it too
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "settings_url": reverse("progress:settings")}
    return render(request, "account/preferences.html", context, status=status)
