"""Text on a certificate in any script: the vendored Noto fonts (credentials/fonts/, OFL), the font for
each character, right-to-left names in their visual order, and a line that shrinks to fit.

reportlab draws the characters it is given, left to right, each with the font of its run; it neither
picks fonts nor reorders nor joins letters. So a line is prepared here:

- Arabic letters take their joined forms (arabic-reshaper: the presentation forms the font maps), and
  a right-to-left line is put in visual order (python-bidi, the Unicode bidirectional algorithm);
- the line is cut into runs, each in the first font (Latin, Greek and Cyrillic; Arabic; Hebrew;
  Devanagari; CJK) that has all its characters (spaces and punctuation stay with their neighbours);
- its size shrinks until it fits the width (a 120-character name fits one line), and below a floor it
  is broken into lines at spaces.

Devanagari is drawn without a shaping engine (reportlab's needs uharfbuzz): its letters are all there
and extract as text, but conjuncts show as their parts with a virama.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"

FAMILIES: dict[str, tuple[str, str]] = {
    # family: (regular file, bold file), in the order a character's font is looked for
    "NotoSans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "NotoSansArabic": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    "NotoSansHebrew": ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    "NotoSansDevanagari": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    # one weight (a subset with TrueType outlines, scripts/certificate_fonts.py) for both
    "NotoSansCJK": ("NotoSansCJKsc-Bold-subset.ttf", "NotoSansCJKsc-Bold-subset.ttf"),
}
REGULAR, BOLD = "NotoSans", "NotoSans-Bold"


def font_name(family: str, *, bold: bool) -> str:
    return f"{family}-Bold" if bold else family


@cache
def fonts_registered() -> dict[str, frozenset[int]]:
    """Register every font with reportlab (once a process); font name → the code points it maps."""
    coverage = {}
    for family, files in FAMILIES.items():
        for bold, file in ((False, files[0]), (True, files[1])):
            name = font_name(family, bold=bold)
            font = TTFont(name, str(FONT_DIR / file))
            pdfmetrics.registerFont(font)
            coverage[name] = frozenset(font.face.charToGlyph)
    return coverage


@dataclass(frozen=True)
class Run:
    text: str
    font: str


def _is_neutral(character: str) -> bool:
    return unicodedata.category(character)[0] in "ZPS" or unicodedata.category(character) in {"Mn", "Cf"}


def visual_order(text: str) -> str:
    """`text` as it is drawn left to right: Arabic joined, a right-to-left line reordered."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cc")
    if not any(unicodedata.bidirectional(c) in {"R", "AL"} for c in text):
        return text
    return str(get_display(arabic_reshaper.reshape(text)))


def runs_of(text: str, *, bold: bool) -> list[Run]:
    """`text` (in visual order) cut into runs, each with the first font that has its characters; a
    neutral character (space, punctuation, a combining mark) stays in the run it follows when that
    font has it. A character no font has is drawn with the Latin font (its missing-glyph box)."""
    coverage = fonts_registered()
    names = [font_name(family, bold=bold) for family in FAMILIES]
    runs: list[Run] = []
    for character in text:
        point = ord(character)
        if runs and _is_neutral(character) and point in coverage[runs[-1].font]:
            font = runs[-1].font
        else:
            font = next((name for name in names if point in coverage[name]), names[0])
        if runs and runs[-1].font == font:
            runs[-1] = Run(runs[-1].text + character, font)
        else:
            runs.append(Run(character, font))
    return runs


def runs_width(runs: list[Run], size: float) -> float:
    return sum(pdfmetrics.stringWidth(run.text, run.font, size) for run in runs)


def draw_runs(canvas: Canvas, runs: list[Run], *, centre: float, y: float, size: float) -> None:
    """One text object, the font changing between runs: a reader (or pypdf) reads one line."""
    text = canvas.beginText(centre - runs_width(runs, size) / 2, y)
    for run in runs:
        text.setFont(run.font, size)
        text.textOut(run.text)
    canvas.drawText(text)


def draw_centred_fitted(
    canvas: Canvas,
    text: str,
    *,
    centre: float,
    y: float,
    max_width: float,
    size: float,
    bold: bool = False,
    min_size: float = 9,
) -> float:
    """Draw `text` centred on `centre` at `y`, in the fonts its characters need, at `size` or smaller
    to fit `max_width`; below `min_size` it is broken into lines at spaces (each as wide as fits), the
    first at `y`, the next below. Returns the size used."""
    runs = runs_of(visual_order(text), bold=bold)
    width = runs_width(runs, size)
    if width <= max_width:
        draw_runs(canvas, runs, centre=centre, y=y, size=size)
        return size
    fitted = size * max_width / width
    if fitted >= min_size:
        draw_runs(canvas, runs, centre=centre, y=y, size=fitted)
        return fitted
    for number, line in enumerate(_lines(text, bold=bold, size=min_size, max_width=max_width)):
        line_runs = runs_of(visual_order(line), bold=bold)
        line_size = min(min_size, min_size * max_width / max(runs_width(line_runs, min_size), 1))
        draw_runs(canvas, line_runs, centre=centre, y=y - number * min_size * 1.3, size=line_size)
    return min_size


def _lines(text: str, *, bold: bool, size: float, max_width: float) -> list[str]:
    """Greedy lines of whole words (a word wider than the line gets a line of its own, shrunk)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and runs_width(runs_of(visual_order(candidate), bold=bold), size) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines or [text]
