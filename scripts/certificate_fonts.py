"""How credentials/fonts/ was made: the Noto fonts a certificate needs, from Debian's packages.

    apt-get download fonts-noto-core fonts-noto-cjk
    dpkg -x fonts-noto-core_*.deb noto && dpkg -x fonts-noto-cjk_*.deb noto
    .venv/bin/python scripts/certificate_fonts.py noto/usr/share/fonts credentials/fonts

The Latin, Greek, Cyrillic, Arabic, Hebrew and Devanagari fonts are copied as they are (Regular and
Bold: the two weights the certificate uses). Noto Sans CJK ships as OpenType with CFF outlines, which
reportlab cannot embed: its Bold (simplified Chinese face) is cut to the characters of GB 2312,
JIS X 0208, Big5's frequent level and KS X 1001's Hangul (what names are written with, ~19,000
glyphs → a few MB instead of 20) and its outlines converted to TrueType quadratics (fontTools'
cu2qu), one weight for both. All are under the SIL Open Font License 1.1 (credentials/fonts/OFL.txt).
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

COPIED = [
    f"{family}-{weight}.ttf"
    for family in ("NotoSans", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari")
    for weight in ("Regular", "Bold")
]
CJK_SOURCE = "NotoSansCJK-Bold.ttc"
CJK_FACE = "Noto Sans CJK SC"
CJK_TARGET = "NotoSansCJKsc-Bold-subset.ttf"


def _codec_characters(codec: str, lead: range, trail: range) -> set[int]:
    found: set[int] = set()
    for first in lead:
        for second in trail:
            try:
                text = bytes([first, second]).decode(codec)
            except UnicodeDecodeError:
                continue
            found.update(ord(character) for character in text)
    return found


def cjk_characters() -> set[int]:
    characters = set()
    characters |= _codec_characters("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF))  # all hanzi
    characters |= _codec_characters("euc_jp", range(0xB0, 0xF5), range(0xA1, 0xFF))  # JIS X 0208 kanji
    characters |= _codec_characters("big5", range(0xA4, 0xC7), range(0x40, 0xFF))  # frequent hanzi
    characters |= _codec_characters("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))  # Hangul syllables
    characters |= set(range(0x3000, 0x3100))  # CJK punctuation, Hiragana, Katakana
    characters |= set(range(0x3130, 0x3190)) | set(range(0xFF00, 0xFFF0))  # Jamo, full-width forms
    characters |= set(range(0x20, 0x7F))
    return {c for c in characters if c >= 0x20}


def to_truetype(font: TTFont) -> None:
    """CFF outlines → TrueType quadratics (fontTools' otf2ttf recipe)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    for table in ("CFF ", "VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs"):
        setattr(maxp, field, 0)
    for field in ("maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0
    post.extraNames, post.mapping = [], {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        (path,) = source.rglob(name)
        (target / name).write_bytes(path.read_bytes())
    (path,) = source.rglob(CJK_SOURCE)
    collection = TTCollection(str(path))
    font = next(face for face in collection.fonts if face["name"].getDebugName(1) == CJK_FACE)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=cjk_characters())
    subsetter.subset(font)
    to_truetype(font)
    font.save(str(target / CJK_TARGET))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
