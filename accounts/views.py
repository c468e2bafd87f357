"""The site's log-in page: allauth's, answering a lock-out as the API does (429 with Retry-After)."""

from allauth.account.views import LoginView as AllauthLoginView
from django.http import HttpResponse


class LoginView(AllauthLoginView):
    def form_invalid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = super().form_invalid(form)
        if any(error.code == "too_many_login_attempts" for error in form.non_field_errors().as_data()):
            response.status_code = 429
            response["Retry-After"] = str(getattr(self.request, "login_retry_after", 60))
        return response


login = LoginView.as_view()
