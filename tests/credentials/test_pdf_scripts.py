"""Names in any script on the certificate: each is in the PDF as text (pypdf extracts it), every
character drawn with a glyph of an embedded font (fontTools reads the embedded font files), within the
page; right-to-left names in visual order with Arabic letters joined; a long name shrinks to fit. The
metadata names the site as creator and carries the real creation date."""

import io
import re
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from credentials.models import Certificate
from credentials.openbadges import verification_url
from credentials.pdf import certificate_pdf

LONG = ("Maximiliana Alexandrovna Konstantinopoulou-Wolfeschlegelsteinhausenbergerdorff " * 2)[:120]
NAMES = {
    "latin": "Zoë Ångström-Łukasiewicz",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "cyrillic": "Анастасия Владимировна Кузнецова",
    "arabic": "محمد عبد الرحمن",
    "hebrew": "שירה בן דוד",
    "devanagari": "प्रिया शर्मा",
    "chinese": "王小明",
    "japanese": "さくら 山田",
    "korean": "김민준",
    "mixed": "Lina 李 Müller",
    "long": LONG,
}
RIGHT_TO_LEFT = {"arabic", "hebrew"}


def readings(text: str) -> set[str]:
    """An extracted right-to-left line with plain letters (NFKC: Arabic's joined presentation forms
    are letters again), as pypdf gives it (it puts right-to-left runs back in logical order) and
    reversed (the drawn, visual order)."""
    return {unicodedata.normalize("NFKC", text), unicodedata.normalize("NFKC", text[::-1])}


def embedded_fonts(reader: PdfReader) -> dict[str, TTFont]:
    """Every embedded TrueType font of the page, by its base name, parsed by fontTools."""
    fonts = {}
    resources = reader.pages[0]["/Resources"]["/Font"]
    for reference in resources.values():
        font = reference.get_object()
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
        if descriptor is None or "/FontFile2" not in descriptor.get_object():
            continue
        data = descriptor.get_object()["/FontFile2"].get_object().get_data()
        fonts[str(font["/BaseFont"])] = TTFont(io.BytesIO(data))
    return fonts


def codes_shown(reader: PdfReader) -> list[tuple[str, int, str]]:
    """(font, code, character) of every character code the page's text operators show."""
    page = reader.pages[0]
    resources = page["/Resources"]["/Font"]
    shown = []
    font = None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            font = resources[operands[0]].get_object()
        elif operator in (b"Tj", b"TJ", b"'", b'"') and font is not None and "/ToUnicode" in font:
            strings = operands[0] if operator == b"TJ" else operands[-1:]
            to_unicode = _to_unicode(font["/ToUnicode"].get_object().get_data().decode())
            for string in strings:
                if isinstance(string, (int, float)) or not hasattr(string, "original_bytes"):
                    continue
                for code in string.original_bytes:
                    shown.append((str(font["/BaseFont"]), code, to_unicode.get(code, "")))
    return shown


def _to_unicode(cmap: str) -> dict[int, str]:
    """A ToUnicode CMap's single-byte `bfchar` entries (what reportlab writes)."""
    found = {}
    for section in re.findall(r"beginbfchar(.*?)endbfchar", cmap, flags=re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]{2})>\s*<((?:[0-9A-Fa-f]{4})+)>", section):
            found[int(source, 16)] = bytes.fromhex(target).decode("utf-16-be")
    return found


def drawn_text_and_glyphs(content: bytes) -> tuple[str, list[tuple[str, str, float]]]:
    """The page's text (pypdf) and, for every character shown, (font, character, x) in text space."""
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    shown: list[tuple[str, str, float]] = []

    def visitor(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if text and font_dict is not None:
            for character in text:
                shown.append((str(font_dict["/BaseFont"]), character, tm[4]))

    return page.extract_text(visitor_text=visitor), shown


@pytest.fixture
def certificate_for(certificate):
    def make(name: str) -> Certificate:
        Certificate.objects.filter(pk=certificate.pk).update(recipient_name=name, signed_by_name=name[:40])
        certificate.refresh_from_db()
        return certificate

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("script", sorted(NAMES))
def test_a_name_in_each_script_is_text_in_the_pdf_with_every_glyph_embedded(certificate_for, script):
    name = NAMES[script]
    certificate = certificate_for(name)
    content = certificate_pdf(certificate, verification_url=verification_url(certificate))
    text, shown = drawn_text_and_glyphs(content)
    lines = [line.strip() for line in text.splitlines()]
    if script in RIGHT_TO_LEFT:
        assert any(name in readings(line) for line in lines), lines
    elif script == "long":
        assert name in " ".join(lines)  # one line, or broken at spaces
    else:
        assert name in lines
    # Every character of the name is drawn (ToUnicode maps it back), and every code the page shows
    # (read from its content stream, font by font) is a real glyph of the embedded font subset:
    # fontTools reads each subset reportlab embedded; no code shown maps to .notdef, and only spaces
    # to a glyph without an outline.
    reader = PdfReader(io.BytesIO(content))
    fonts = embedded_fonts(reader)
    assert fonts, "no embedded TrueType font"
    name_characters = set(unicodedata.normalize("NFKC", name)) - {" "}
    drawn = {unicodedata.normalize("NFKC", character) for _, character, _ in shown}
    assert name_characters <= set("".join(drawn))
    checked = 0
    for base_name, code, character in codes_shown(reader):
        font = fonts[base_name]
        (cmap,) = font["cmap"].tables  # reportlab's subset: its codes → glyphs
        glyph = cmap.cmap.get(code, ".notdef")
        assert glyph != ".notdef", (base_name, code, character)
        if not character.isspace():
            assert font["glyf"][glyph].numberOfContours != 0, (base_name, code, character)
        checked += 1
    assert checked >= len(name.replace(" ", ""))
    # within the page: every line of text starts inside the frame (x is where its run starts); the
    # name's lines are centred on the page, so they end inside it too
    width = float(reader.pages[0].mediabox.width)
    outside = [(c, x) for _, c, x in shown if not c.isspace() and not 24 <= x <= width - 24]
    assert not outside


@pytest.mark.django_db
def test_a_long_name_shrinks_to_fit_the_line(certificate_for):
    from reportlab.pdfbase import pdfmetrics

    certificate = certificate_for(LONG)
    content = certificate_pdf(certificate, verification_url=verification_url(certificate))
    reader = PdfReader(io.BytesIO(content))
    sizes = []

    def visitor(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if text.strip().startswith(LONG[:30]):  # not the "Signed off by" line
            sizes.append((text.strip(), font_size * tm[0], tm[4]))

    reader.pages[0].extract_text(visitor_text=visitor)
    [(text, size, x)] = sizes
    assert text == LONG  # one line, whole
    width = float(reader.pages[0].mediabox.width)
    drawn_width = pdfmetrics.stringWidth(LONG, "NotoSans-Bold", size)
    assert pdfmetrics.stringWidth(LONG, "NotoSans-Bold", 26) > width  # at the name's size it would not fit
    assert 9 <= size < 26
    assert x > 24
    assert x + drawn_width < width - 24


@pytest.mark.django_db
def test_the_metadata_names_the_site_and_the_real_creation_date(certificate):
    before = datetime.now(UTC) - timedelta(minutes=1)
    content = certificate_pdf(certificate, verification_url=verification_url(certificate))
    metadata = PdfReader(io.BytesIO(content)).metadata
    assert settings.SITE_NAME in metadata.creator
    created = metadata.creation_date
    assert created is not None
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    assert before <= created.astimezone(UTC) <= datetime.now(UTC) + timedelta(minutes=1)
