"""`ocop plan new --from kh-… --year YYYY`: next year's plan from last year's.

The copy keeps the structure and wording, moves the plan's own years and dates by the same number of years
(period, targets, deadlines, section text), and leaves citations of other documents as they are (their years
are references: `domain.plan_years`). A span of years is moved only when it lies inside the old period, so the
programme phase a one-year plan sits in ("giai đoạn 2021-2025") stays. Number, date and signer are cleared:
the copy is a draft. What it prints afterwards is every place an old year is still written, so the officer
reads each one.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocop.authoring import records
from ocop.check.pipeline import load_registry
from ocop.domain.plan_years import PROSE_SKIP, Mention, mentions, period_years, prose, snippet
from ocop.findings import Finding
from ocop.load import load_document
from ocop.model import units
from ocop.model.schemas import SchemaSet

DROPPED = ("number", "date", "source_years", "notes")  # the copy's own: none yet, or for the officer to decide
REFORM_YEAR = 2025  # provinces merged on 01/7/2025: a later plan is issued by the successor province


@dataclass(frozen=True)
class Leftover:
    """An old year still written in the copy."""

    line: int
    column: int
    field: str
    year: int
    cited: bool
    context: str


@dataclass
class Copied:
    rel: str
    findings: list[Finding]
    leftovers: list[Leftover]


def shift_date(iso: str, years: int) -> str:
    day = dt.date.fromisoformat(iso)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28).isoformat()


def shift_text(text: str, old: range, years: int) -> str:
    """The text with its own years of the old period moved; citations and spans reaching outside stay."""
    def moves(m: Mention) -> bool:
        if m.cited:
            return False
        if m.span:
            return m.span[0] in old and m.span[1] in old
        return m.year in old

    out, last = [], 0
    for m in mentions(text):
        if moves(m):
            out += [text[last:m.start], str(m.year + years)]
            last = m.end
    return "".join(out) + text[last:]


def _map_prose(data: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(data, str):
        return fn(data)
    if isinstance(data, dict):
        return {k: (v if k in PROSE_SKIP else _map_prose(v, fn)) for k, v in data.items()}
    if isinstance(data, list):
        return [_map_prose(v, fn) for v in data]
    return data


def next_plan(source: dict, year: int, today: dt.date) -> dict:
    """The draft for `year`: same structure, years and dates moved, number, date and signer cleared."""
    old = period_years(source)
    if not old:
        raise ValueError("Kế hoạch nguồn không có thời kỳ (period) đọc được.")
    years = year - old[0]
    plan = _map_prose(copy.deepcopy(source), lambda text: shift_text(text, old, years))
    for key in DROPPED:
        plan.pop(key, None)
    period = plan["period"]
    plan["period"] = {**period, "from": shift_date(period["from"], years), "to": shift_date(period["to"], years),
                      "label": shift_text(period.get("label", ""), old, years)}
    for target in plan.get("targets", []):
        if isinstance(target.get("period"), dict):
            target["period"] = {k: shift_date(v, years) for k, v in target["period"].items()}
    for appendix in plan.get("appendices", []):
        for row in appendix.get("rows", []):
            if row.get("due"):
                row["due"] = shift_date(row["due"], years)
    plan["status"] = "draft"
    plan["draft_month"] = {"month": today.month, "year": today.year}
    plan["signature"] = {"authority": list(source["signature"]["authority"])}  # who signs is decided anew
    plan["id"] = records.plan_id(source["province"], plan)
    return plan


def leftovers(plan: dict, path: Path, rel: str, old: range) -> list[Leftover]:
    """Every mention of a year up to the old period's last, in the written copy, with its line and column."""
    doc = load_document(path, rel)
    found = []
    for keypath, text in prose(plan):
        for m in mentions(text):
            if m.year <= old[-1] and not (m.span and m.span[1] >= period_years(plan)[0]):
                line, column = doc.locate(keypath)
                found.append(Leftover(line, column, ".".join(map(str, keypath)), m.year, m.cited,
                                      snippet(text, m)))
    return found


def copy_plan(root: Path, source: dict, year: int, today: dt.date) -> Copied:
    registry = load_registry(root)[0]
    plan = next_plan(source, year, today)
    rels, findings = records.write_and_validate(root, registry, [("plan", plan)], SchemaSet(root), today)
    rel = rels[0]
    written = root / rel
    found = leftovers(plan, written, rel, period_years(source)) if written.is_file() else []
    return Copied(rel, findings, found)


def issuer_note(source: dict, year: int) -> str:
    """A reminder when the copied issuer is a province that no longer exists in the new plan's year."""
    unit = (source.get("issuer") or {}).get("unit") or {}
    if year <= REFORM_YEAR or unit.get("level") != "province" or unit.get("version") != "2004":
        return ""
    successor = units.successor_province(str(unit.get("code", "")), "2004")
    current = units.lookup("province", successor, "2025") if successor else None
    if current is None:
        return ""
    return (f"Lưu ý: {unit.get('name', 'tỉnh cũ')} đã sáp nhập vào {current.name} từ 01/7/2025; sửa header, issuer và "
            "địa danh của dự thảo theo cơ quan ban hành hiện nay.")


def describe(copied: Copied) -> list[str]:
    """The lines `ocop plan new` prints about the years left in the copy."""
    if not copied.leftovers:
        return ["Không còn năm cũ nào trong văn bản."]
    own = [x for x in copied.leftovers if not x.cited]
    lines = [f"Còn {len(copied.leftovers)} chỗ ghi năm cũ ({len(own)} cần xem lại, "
             f"{len(copied.leftovers) - len(own)} thuộc trích dẫn văn bản, giữ nguyên):"]
    for x in copied.leftovers:
        kind = "trích dẫn" if x.cited else "cần xem lại"
        lines.append(f"  {copied.rel}:{x.line}:{x.column}: năm {x.year} ({kind}) «{x.field}»: {_one_line(x.context)}")
    return lines


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)
