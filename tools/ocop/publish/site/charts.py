"""Horizontal bar charts as inline SVG, drawn at build time (no chart library, no network)."""

from __future__ import annotations

from markupsafe import Markup, escape

from ocop.publish.site.numbers import vnum

ROW = 22
LABEL_W = 290
BAR_W = 360
VALUE_W = 60


def bars(data: list[tuple[str, int]], title: str) -> Markup:
    """One bar per (label, value); labels are escaped, numbers formatted Vietnamese-style (1.234)."""
    top = max((v for _, v in data), default=0) or 1
    height = ROW * max(len(data), 1) + 8
    width = LABEL_W + BAR_W + VALUE_W
    rows = []
    for i, (label, value) in enumerate(data):
        y = 4 + i * ROW
        w = round(BAR_W * value / top, 1)
        short = label if len(label) <= 40 else label[:39] + "…"
        rows.append(
            f'<g><title>{escape(label)}: {value}</title>'
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{w}" height="{ROW - 6}" rx="2"></rect>'
            f'<text x="{LABEL_W + w + 4}" y="{y + 15}">{number(value)}</text></g>')
    if not data:
        rows.append(f'<text x="{LABEL_W}" y="18">Chưa có dữ liệu</text>')
    return Markup(
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg></figure>')


def number(value: int) -> str:
    return vnum(value)
