"""The second factor's code form (allauth.mfa's, via MFA_FORMS): failed codes slow the guesser down as
failed passwords do (accounts.login_delays, per account and address), and while the account is slowed
down even the right code is refused with allauth's "too many failed log-in attempts" — after the
password was right, so a stranger cannot aim it at someone."""

from allauth.account.adapter import get_adapter
from allauth.core import context
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.base.forms import AuthenticateForm
from django.core.exceptions import ValidationError

from accounts.login_delays import login_failed, login_succeeded, login_wait


class DelayedAuthenticateForm(AuthenticateForm):
    def clean_code(self) -> str:
        login, address = self.user.email, get_ip(context.request)
        if login_wait(login=login, address=address):
            raise get_adapter().validation_error("too_many_login_attempts")
        try:
            code = super().clean_code()
        except ValidationError:
            login_failed(login=login, address=address)
            raise
        login_succeeded(login=login, address=address)
        return code
