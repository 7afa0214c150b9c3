"""Text widths from the shipped font, for the lengths NĐ 30/2020 ties to a line of text.

NĐ 30 puts under the trích yếu a rule 1/3 to 1/2 as long as its line of text. A fixed length cannot do that
for both a one-line and a three-line subject, so the length is worked out from the subject: its width in
Liberation Serif Bold 14 pt (Times New Roman's metrics, the font both renderings use), capped at the text
column when the subject wraps, times RULE_SHARE.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import ImageFont

FONTS = Path(__file__).parent / "assets" / "fonts"
PT_PER_MM = 72 / 25.4
TEXT_COLUMN_MM = 210 - 30 - 15  # A4 portrait less the left and right margins (reference.MARGINS_MM)
RULE_SHARE = 0.4  # inside 1/3..1/2 with room on both sides for how a renderer wraps the last words
_SIZE = 100  # measure at a large size for precision, then scale


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    # The basic engine: advance widths are all a length needs, and it takes any text (raqm refuses some).
    return ImageFont.truetype(str(FONTS / name), _SIZE, layout_engine=ImageFont.Layout.BASIC)


def text_width_mm(text: str, size_pt: float = 14, bold: bool = True) -> float:
    shown = "".join(ch for ch in text if ch.isprintable())  # controls take no room on the page
    return _font(bold).getlength(shown) * size_pt / _SIZE / PT_PER_MM


def subject_line_mm(subject: str) -> float:
    """The width of the subject's longest line: the whole subject, or the column once it wraps."""
    return min(text_width_mm(subject), TEXT_COLUMN_MM)


def title_rule_mm(subject: str) -> float:
    return round(RULE_SHARE * subject_line_mm(subject), 1)
