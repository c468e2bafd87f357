"""The certificate as a one-page PDF (reportlab): who, what, when, signed by whom, its status, and the
verification URL as text, as a link and as a QR code (segno), drawn as vector squares."""

from io import BytesIO
from pathlib import Path

import reportlab
import segno
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from credentials.models import Certificate

FONTS = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD = "Vera", "VeraBd"  # Bitstream Vera, shipped with reportlab: embedded, Latin-1 and more


def _register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "VeraBd.ttf")))


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
    _register_fonts()
    buffer = BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True, pageCompression=1)
    canvas.setTitle(f"{certificate.title} — {certificate.recipient_name}")
    canvas.setAuthor(settings.SITE_NAME)
    canvas.setSubject(f"Verify at {verification_url}")
    canvas.setStrokeColor(colors.HexColor("#1f4e79"))
    canvas.setLineWidth(3)
    canvas.rect(24, 24, width - 48, height - 48)
    centre = width / 2

    canvas.setFillColor(colors.HexColor("#1f4e79"))
    canvas.setFont(BOLD, 16)
    canvas.drawCentredString(centre, height - 80, settings.SITE_NAME)
    canvas.setFillColor(colors.black)
    canvas.setFont(REGULAR, 28)
    canvas.drawCentredString(centre, height - 130, "Certificate of completion")
    canvas.setFont(REGULAR, 13)
    canvas.drawCentredString(centre, height - 170, "awarded to")
    canvas.setFont(BOLD, 26)
    canvas.drawCentredString(centre, height - 210, certificate.recipient_name)
    canvas.setFont(REGULAR, 13)
    canvas.drawCentredString(centre, height - 245, "for completing")
    canvas.setFont(BOLD, 18)
    canvas.drawCentredString(centre, height - 275, certificate.title)
    canvas.setFont(REGULAR, 12)
    line = certificate.weeks_label
    if certificate.project_title:
        line += f" · Project: {certificate.project_title}"
    canvas.drawCentredString(centre, height - 300, line)
    canvas.drawCentredString(
        centre, height - 325,
        f"Signed off by {certificate.signed_by_name} on {certificate.issued_at:%d %B %Y}",
    )  # fmt: skip

    if certificate.is_revoked:
        canvas.setFillColor(colors.HexColor("#b00020"))
        canvas.setFont(BOLD, 20)
        assert certificate.revoked_at is not None
        canvas.drawCentredString(centre, height - 365, f"REVOKED on {certificate.revoked_at:%d %B %Y}")
        canvas.setFont(REGULAR, 11)
        canvas.drawCentredString(centre, height - 385, f"Reason: {certificate.revocation_reason[:120]}")
        canvas.setFillColor(colors.black)

    qr_size = 110
    _qr(canvas, verification_url, x=width - 48 - qr_size, y=48, size=qr_size)
    canvas.setFont(REGULAR, 10)
    canvas.drawString(60, 90, "Check this certificate, and whether it is still valid, at:")
    canvas.setFont(REGULAR, 9)
    canvas.drawString(60, 74, verification_url)
    text_width = canvas.stringWidth(verification_url, REGULAR, 9)
    canvas.linkURL(verification_url, (60, 70, 60 + text_width, 84), relative=0)
    canvas.linkURL(verification_url, (width - 48 - qr_size, 48, width - 48, 48 + qr_size), relative=0)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(60, 58, f"Certificate {certificate.public_id}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
