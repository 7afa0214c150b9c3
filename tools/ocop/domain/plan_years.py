"""Years written in a plan's text: which are the plan's own, which cite other documents.

A plan is rewritten every year from last year's, and a year left behind ("năm 2024" in a 2025 plan) is
the usual slip. But a plan also cites documents, and their years are references, not stale:
- a year inside a document number: "Nghị định 98/2018/NĐ-CP";
- the date or year of a cited document: "Quyết định số 490/QĐ-TTg ngày 07/5/2018",
  "Quyết định 919/QĐ-TTg năm 2022", "văn bản số 3494/VP-KT ngày 20/4/2021".
What is left is the plan's own year mentions (`mentions`). `PROSE_SKIP` names the parts of a record that are
not the document's running text (structured citations, dates, editor's notes). A plan lists in `source_years`
the years its source text itself gives outside its period (a past phase, a base year), so those pass.
`ocop plan new --from` uses the same split: it shifts the plan's own years and leaves citations alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# A year: four digits from 1900 to 2099 standing alone (not "1.500", not the number of "2016/QĐ-UBND").
YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?!\d)(?!/\s?[A-ZĐ])")
# A document number: digits, a slash or dash, then a symbol with a capital letter (490/QĐ-TTg, 04-CTr/TU,
# 52/2018/NĐ- CP). Its date or year follows as "ngày d/m/yyyy" or "năm yyyy".
_DOC_NUMBER = r"\d+(?:/\d{4})?[/-][^\s,;:()]*[A-ZĐ][^\s,;:()]*(?:\s?[A-ZĐ][A-Za-zĐ-]*)?"
CITED = re.compile(rf"{_DOC_NUMBER}(?:\s+ngày\s+\d{{1,2}}[/.-]\d{{1,2}}[/.-]|\s+ngày\s+\d{{1,2}}\s+tháng\s+\d{{1,2}}"
                   rf"\s+năm\s+|\s+năm\s+)(?P<year>(?:19|20)\d{{2}})")
# A span of years ("giai đoạn 2021-2025"): the programme phase a plan sits in, when it overlaps the plan's period.
SPAN = re.compile(r"(?<![\d.,])((?:19|20)\d{2})\s?[-–]\s?((?:19|20)\d{2})(?!\d)")
IN_NUMBER = re.compile(r"\d+/(?P<year>(?:19|20)\d{2})/\s?[A-ZĐ]")
# Parts of a plan record that are not its running text.
PROSE_SKIP = frozenset({"id", "province", "sample", "status", "header", "issuer", "governing_body", "number", "symbol",
                        "place", "date", "draft_month", "period", "legal_bases", "scope", "due", "metric", "unit",
                        "key", "signature", "notes", "source_years", "recurrence", "columns"})


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    year: int
    cited: bool  # part of a citation of another document
    span: tuple[int, int] | None = None  # the span of years it opens or closes ("2021-2025")


def mentions(text: str) -> list[Mention]:
    cited = {m.start("year") for pattern in (CITED, IN_NUMBER) for m in pattern.finditer(text)}
    spans = {}
    for m in SPAN.finditer(text):
        spans[m.start(1)] = spans[m.start(2)] = (int(m.group(1)), int(m.group(2)))
    return [Mention(m.start(), m.end(), int(m.group()), m.start() in cited, spans.get(m.start()))
            for m in YEAR.finditer(text)]


def own(m: Mention, years: range) -> bool:
    """The year belongs to a plan of these years: inside them, or ending or opening a span that overlaps them."""
    if m.span:
        return m.span[0] <= years[-1] and m.span[1] >= years[0]
    return m.year in years


def prose(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(keypath, text) of every string of a plan's running text."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in PROSE_SKIP:
                yield from prose(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from prose(value, (*path, i))


def period_years(plan: dict) -> range:
    period = plan.get("period") or {}
    start, end = str(period.get("from", ""))[:4], str(period.get("to", ""))[:4]
    if not (start.isdigit() and end.isdigit()):
        return range(0)
    return range(int(start), int(end) + 1)


def stale(plan: dict) -> Iterator[tuple[tuple, str, Mention]]:
    """(keypath, text, mention) of each own year of the text outside the plan's period and not allowed."""
    years = period_years(plan)
    if not years:
        return
    allowed = {y for y in plan.get("source_years") or [] if isinstance(y, int)}
    for path, text in prose(plan):
        for m in mentions(text):
            if not m.cited and not own(m, years) and m.year not in allowed:
                yield path, text, m


def snippet(text: str, m: Mention, width: int = 30) -> str:
    start, end = max(0, m.start - width), min(len(text), m.end + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
