"""The one-click unsubscribe page: works without logging in, because the signed token is the credential."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from reminders import services
from reminders.selectors import enrolment_for_unsubscribe
from reminders.tokens import enrolment_id_from_unsubscribe_token


def masked_email(address: str) -> str:
    """a•••@example.com: enough for the owner to recognise, little for whoever the mail was forwarded to."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else gettext("your address")


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the header's URL, without any cookie or
# CSRF token. The signature in the URL is what authorises the request, so CSRF protection adds nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a confirmation page with a button (link scanners must not unsubscribe); POST: unsubscribe."""
    enrolment_id = enrolment_id_from_unsubscribe_token(token)
    if enrolment_id is None:
        return render(request, "reminders/unsubscribe_invalid.html", status=400)
    enrolment = enrolment_for_unsubscribe(enrolment_id=enrolment_id)
    if enrolment is None:
        return render(request, "reminders/unsubscribe_invalid.html", {"gone": True}, status=404)
    context = {"email": masked_email(enrolment.learner.email), "enrolment": enrolment}
    if request.method == "POST":
        services.reminders_unsubscribe(enrolment=enrolment)
        return render(request, "reminders/unsubscribe_done.html", context)
    return render(request, "reminders/unsubscribe_confirm.html", context)
