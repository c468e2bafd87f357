"""The certificate as a one-page PDF (reportlab): who, what, when, signed by whom, its status, and the
verification URL as text, as a link and as a QR code (segno), drawn as vector squares."""

from io import BytesIO

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from credentials.models import Certificate
from credentials.pdf_text import REGULAR, draw_centred_fitted, fonts_registered
from lms.locale import for_person


def _qr(canvas: Canvas, url: str, *, x: float, y: float, size: float) -> None:
    """The QR code of `url` with its lower-left corner at (x, y), `size` points wide (quiet zone included)."""
    code = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=4)]
    module = size / len(rows)
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(x + c * module, y + size - (r + 1) * module, module, module, stroke=0, fill=1)


def certificate_pdf(certificate: Certificate, *, verification_url: str) -> bytes:
    """The certificate in its learner's language, its dates in their zone (`for_person`)."""
    with for_person(certificate.enrolment.learner):
        return _certificate_pdf(certificate, verification_url=verification_url)


def _certificate_pdf(certificate: Certificate, *, verification_url: str) -> bytes:
    fonts_registered()
    buffer = BytesIO()
    width, height = landscape(A4)
    # Not `invariant`: the metadata's creation date is the real one (when this PDF was made).
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(f"{certificate.title_shown} — {certificate.recipient_name}")
    canvas.setAuthor(settings.SITE_NAME)
    canvas.setCreator(f"{settings.SITE_NAME} ({settings.SITE_URL})")
    canvas.setSubject(_("Verify at %(url)s") % {"url": verification_url})
    canvas.setStrokeColor(colors.HexColor("#1f4e79"))
    canvas.setLineWidth(3)
    canvas.rect(24, 24, width - 48, height - 48)
    centre = width / 2
    line_width = width - 2 * 72  # inside the frame, with a margin

    def centred(text: str, y: float, size: float, *, bold: bool = False) -> None:
        draw_centred_fitted(canvas, text, centre=centre, y=y, max_width=line_width, size=size, bold=bold)

    canvas.setFillColor(colors.HexColor("#1f4e79"))
    centred(settings.SITE_NAME, height - 80, 16, bold=True)
    canvas.setFillColor(colors.black)
    centred(_("Certificate of completion"), height - 130, 28)
    centred(_("awarded to"), height - 170, 13)
    centred(certificate.recipient_name, height - 210, 26, bold=True)
    centred(_("for completing"), height - 245, 13)
    centred(certificate.title_shown, height - 275, 18, bold=True)
    line = certificate.weeks_label
    if certificate.project_title:
        line += " · " + _("Project: %(title)s") % {"title": certificate.project_title}
    centred(line, height - 300, 12)
    issued_on = date_format(timezone.localtime(certificate.issued_at).date())
    signed = _("Signed off by %(mentor)s on %(date)s") % {
        "mentor": certificate.signed_by_name,
        "date": issued_on,
    }
    centred(signed, height - 325, 12)

    if certificate.is_revoked:
        assert certificate.revoked_at is not None
        canvas.setFillColor(colors.HexColor("#b00020"))
        revoked_on = date_format(timezone.localtime(certificate.revoked_at).date())
        centred(_("REVOKED on %(date)s") % {"date": revoked_on}, height - 365, 20, bold=True)
        reason = certificate.revocation_reason_shown[:120]
        centred(_("Reason: %(reason)s") % {"reason": reason}, height - 385, 11)
        canvas.setFillColor(colors.black)

    qr_size = 110
    _qr(canvas, verification_url, x=width - 48 - qr_size, y=48, size=qr_size)
    canvas.setFont(REGULAR, 10)
    canvas.drawString(60, 90, _("Check this certificate, and whether it is still valid, at:"))
    canvas.setFont(REGULAR, 9)
    canvas.drawString(60, 74, verification_url)
    text_width = canvas.stringWidth(verification_url, REGULAR, 9)
    canvas.linkURL(verification_url, (60, 70, 60 + text_width, 84), relative=0)
    canvas.linkURL(verification_url, (width - 48 - qr_size, 48, width - 48, 48 + qr_size), relative=0)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(60, 58, _("Certificate %(id)s") % {"id": certificate.public_id})
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
