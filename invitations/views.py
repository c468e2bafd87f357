"""The invitation page: the link of an invitation e-mail, open to anyone who has it (the secret in the
URL is the credential). A link that does not work says why, with 404 (never valid) or 410 (revoked,
used or expired)."""

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from invitations import services
from invitations.forms import AcceptForm
from lms.forms import add_validation_error, posted_data


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token=token)
    except services.InvitationRefused as refused:
        return render(
            request, "invitations/refused.html", {"message": refused.message}, status=refused.status
        )
    form = AcceptForm(posted_data(request))
    if form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except services.InvitationRefused as refused:  # used or revoked meanwhile
            return render(
                request, "invitations/refused.html", {"message": refused.message}, status=refused.status
            )
        except ValidationError as error:
            add_validation_error(form, ValidationError({"password1": error.messages}))
        else:
            login(request, user, backend="accounts.backends.ModelBackendWithMentorFlag")
            return redirect(settings.LOGIN_REDIRECT_URL)  # where any log-in lands
    status = 400 if form.is_bound else 200
    return render(request, "invitations/accept.html", {"invitation": invitation, "form": form}, status=status)
