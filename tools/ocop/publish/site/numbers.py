"""One number format for the whole site (vi-VN), the same as assets/number.js (a browser test holds them equal)."""

from __future__ import annotations

import decimal
import re
from typing import Any

from ocop.publish.site.model import text

_NUMBER_TEXT = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")  # "01" is a code, not a number


def vnum(value: Any, digits: int = 2) -> str:
    """A number as `Intl.NumberFormat('vi-VN', {maximumFractionDigits: digits})` writes it: "1.234,5", "92,9".

    '.' groups thousands and ',' marks decimals; trailing zeros go, halves round up. Text that is not a
    plain number (a code, "—") is returned as it is.
    """
    if isinstance(value, str) and _NUMBER_TEXT.match(value.strip()):
        value = decimal.Decimal(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float | decimal.Decimal):
        return text(value)
    # a float as its shortest decimal text, which Intl.NumberFormat rounds too (1.005 → "1,01")
    exact = decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-digits), decimal.ROUND_HALF_UP)
    whole, _, fraction = f"{abs(exact):f}".partition(".")
    fraction = fraction.rstrip("0")
    shown = f"{int(whole):,}".replace(",", ".") + ("," + fraction if fraction else "")
    return ("-" if exact < 0 and (int(whole) or fraction) else "") + shown


def vpercent(value: Any, digits: int = 1) -> str:
    """A percentage: "33,3 %" (a no-break space before the sign, as Vietnamese style guides write it)."""
    shown = vnum(value, digits)
    return shown + "\u00a0%" if shown else ""


def vsize(size: Any) -> str:
    """A file size: "56,2 KB", "1,5 MB" (1 KB = 1024 bytes)."""
    if not isinstance(size, int | float) or isinstance(size, bool):
        return text(size)
    for unit, scale in (("MB", 1024 ** 2), ("KB", 1024)):
        if size >= scale:
            return f"{vnum(size / scale, 1)}\u00a0{unit}"
    return f"{vnum(size)}\u00a0B"


def vnum_text(value: Any) -> str:
    """Numbers inside a generated phrase ("ít nhất 33.3%") in the site's format ("ít nhất 33,3 %")."""
    shown = re.sub(r"\d+\.\d+", lambda m: vnum(m.group(0)), text(value))
    return re.sub(r"(?<=\d) ?%", "\u00a0%", shown)
