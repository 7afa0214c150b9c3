"""Plan record -> pandoc AST blocks.

The body (legal bases, numbered parts, dash lists, budget, assignments) is the same AST for both
outputs. The parts pandoc cannot lay out (two-column header, Nơi nhận beside the signature,
landscape appendix tables) differ: for DOCX they become custom-styled Divs and tables that
`docx.py` post-processes; for PDF they become raw Typst calls into `assets/plan.typ`.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from ocop.publish.documents import ast
from ocop.publish.documents.measure import title_rule_mm
from ocop.publish.documents.plan import (
    Plan,
    legal_basis_line,
    money,
    number_line,
    percent,
    place_date_line,
    reference_line,
    roman,
    section_number,
)

Node = ast.Node
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DEFAULT_COLUMNS = [
    {"key": "stt", "label": "STT", "width": 0.6},
    {"key": "task", "label": "Nhiệm vụ", "width": 4},
    {"key": "lead", "label": "Chủ trì", "width": 1.6},
    {"key": "partners", "label": "Phối hợp", "width": 2.4},
    {"key": "deadline", "label": "Thời hạn", "width": 1.4},
    {"key": "result", "label": "Kết quả", "width": 3},
]


class Parts(Protocol):
    """What differs between the DOCX and the PDF rendering."""

    def header(self, plan: Plan) -> list[Node]: ...
    def title(self, plan: Plan) -> list[Node]: ...
    def signature(self, plan: Plan) -> list[Node]: ...
    def keep_with_next(self, block: Node) -> list[Node]: ...
    def appendix(self, plan: Plan, index: int, appendix: dict[str, Any]) -> list[Node]: ...


# --- shared text pieces -------------------------------------------------------------------

def doc_title(plan: Plan) -> str:
    """'KẾ HOẠCH' for plans; generated reports set document_type (e.g. 'Báo cáo')."""
    return plan.get("document_type", "Kế hoạch").upper()


def recipient_lines(plan: Plan) -> list[str]:
    lines = []
    for r in plan["recipients"]:
        note = f" ({r['note']})" if r.get("note") else ""
        lines.append(f"- {r['name']}{note};")
    if plan.get("archive"):
        lines.append(f"- Lưu: {plan['archive']}.")
    elif lines:
        lines[-1] = lines[-1][:-1] + "."
    return lines


SOURCE_BLANK = "(văn bản nguồn không ghi)"


def signature_lines(plan: Plan) -> tuple[list[str], str]:
    """(authority and position lines in capitals, signer name or ''). A plan whose source does not show who signed
    (`unknown: true`) says so where the position and name would be, instead of leaving a gap that reads as missing."""
    sig = plan["signature"]
    lines = list(sig["authority"]) + ([sig["position"]] if sig.get("position") else [])
    name = (sig.get("signer") or {}).get("name", "")
    if sig.get("unknown") and not name:
        return lines, SOURCE_BLANK
    return lines, name


def appendix_label(plan: Plan, index: int, appendix: dict[str, Any]) -> str:
    many = len(plan.get("appendices", [])) > 1
    number = appendix.get("number") or (roman(index + 1) if many else "")
    return f"PHỤ LỤC {number}".strip()


def appendix_columns(appendix: dict[str, Any]) -> list[dict[str, Any]]:
    return appendix.get("columns") or DEFAULT_COLUMNS


def row_cells(row: dict[str, Any], columns: list[dict[str, Any]]) -> list[str]:
    if row.get("group"):  # Roman-numeral group row: number, then its title in the task column
        return [row["group"] if c["key"] == "stt" else row["task"] if c["key"] == "task" else "" for c in columns]
    return [str(row.get(c["key"], "")) for c in columns]


# --- body ---------------------------------------------------------------------------------

def _items(items: list[Any], mark: str = "-") -> list[Node]:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(ast.para(f"{mark} {item}"))
            continue
        out.append(ast.para(f"{mark} {item['text']}"))
        out.extend(_items(item.get("items", []), "+"))
    return out


def blocks(content: list[Any]) -> list[Node]:
    out: list[Node] = []
    for block in content or []:
        out.extend([ast.para(block)] if isinstance(block, str) else _items(block["items"]))
    return out


def _budget_source(source: dict[str, Any], mark: str) -> list[Node]:
    text = source["name"]
    if "amount_million_vnd" in source:
        text += f": {money(source['amount_million_vnd'])} triệu đồng"
        if "share_percent" in source:
            text += f" (chiếm {percent(source['share_percent'])}%)"
    if source.get("note"):
        text += f": {source['note']}" if "amount_million_vnd" not in source else f" ({source['note']})"
    out = [ast.para(f"{mark} {text}.")]
    for child in source.get("sources", []):
        out.extend(_budget_source(child, "+"))
    return out


def budget(plan: Plan) -> list[Node]:
    data = plan.get("budget") or {}
    out = []
    if data.get("text"):
        out.append(ast.para(data["text"]))
    elif "total_million_vnd" in data:
        out.append(ast.para(f"Tổng kinh phí dự kiến: {money(data['total_million_vnd'])} triệu đồng. Trong đó:"))
    for source in data.get("sources", []):
        out.extend(_budget_source(source, "-"))
    return out


def targets(plan: Plan, group: str | None) -> list[Node]:
    chosen = [t for t in plan.get("targets", []) if group is None or t.get("group") == group]
    return _items([t["text"] for t in chosen])


def assignments(plan: Plan, path: tuple[int, ...]) -> list[Node]:
    out = []
    for i, item in enumerate(plan.get("assignments", []), start=1):
        sub = (*path, i)
        out.append(ast.header(min(len(sub), 6), f"{section_number(sub)} {item['agency']}"))
        out.extend(blocks(item["duties"]))
    return out


def _include(plan: Plan, what: str, section: dict[str, Any], path: tuple[int, ...]) -> list[Node]:
    if what in ("purposes", "requirements"):
        return blocks(plan.get(what, []))
    if what == "targets":
        return targets(plan, section.get("target_group"))
    if what == "budget":
        return budget(plan)
    return assignments(plan, path)


def sections(plan: Plan, items: list[dict[str, Any]], path: tuple[int, ...] = ()) -> list[Node]:
    out: list[Node] = []
    for i, section in enumerate(items, start=1):
        sub = (*path, i)
        number = section.get("number") or section_number(sub)
        out.append(ast.header(min(len(sub), 6), f"{number} {section['title']}"))
        out.extend(blocks(section.get("body", [])))
        for what in section.get("include", []):
            out.extend(_include(plan, what, section, sub))
        out.extend(sections(plan, section.get("sections", []), sub))
        for what in section.get("include_after_sections", []):
            out.extend(_include(plan, what, section, sub))
    return out


def preamble(plan: Plan) -> list[Node]:
    bases = plan.get("legal_bases", [])
    out = [ast.emph_para(legal_basis_line(b, last=False)) for b in bases]
    if plan.get("preamble"):
        out.append(ast.para(plan["preamble"]))
    return out


def document(plan: Plan, parts: Parts) -> dict[str, Any]:
    body: list[Node] = [*parts.header(plan), *parts.title(plan), *preamble(plan),
                        *sections(plan, plan["sections"])]
    if plan.get("closing"):
        body.append(ast.para(plan["closing"]))
    # The signature block never starts a page alone: the last paragraph goes with it.
    body[-1:] = parts.keep_with_next(body[-1])
    body.extend(parts.signature(plan))
    for i, appendix in enumerate(plan.get("appendices", [])):
        body.extend(parts.appendix(plan, i, appendix))
    return ast.document(body)


# --- DOCX parts: custom styles defined in assets/reference.docx ---------------------------

class DocxParts:
    def header(self, plan: Plan) -> list[Node]:
        head = plan["header"]
        left = [ast.styled_para("OCOP Org", head["governing"].upper())] if head.get("governing") else []
        left += [ast.styled_para("OCOP Issuer", line.upper()) for line in head["issuing"]]
        left.append(ast.styled_para("OCOP Rule", " "))
        right = [ast.styled_para("OCOP Nation", NATION), ast.styled_para("OCOP Motto", MOTTO),
                 ast.styled_para("OCOP Rule", " ")]
        second = [[ast.styled_para("OCOP Number", number_line(plan))],
                  [ast.styled_para("OCOP Place Date", place_date_line(plan))]]
        return [ast.table([0.38, 0.62], None, [[left, right], second])]

    def title(self, plan: Plan) -> list[Node]:
        return [ast.styled_para("OCOP Title", doc_title(plan)), ast.styled_para("OCOP Subject", plan["title"]),
                ast.styled_para("OCOP Rule", " ")]

    def signature(self, plan: Plan) -> list[Node]:
        left = [ast.styled_para("OCOP Recipients Title", "Nơi nhận:")]
        left += [ast.styled_para("OCOP Recipient", line) for line in recipient_lines(plan)]
        lines, signer = signature_lines(plan)
        right = [ast.styled_para("OCOP Sign Authority", line) for line in lines]
        right.append(ast.styled_para("OCOP Signer", signer or " "))
        return [ast.table([0.5, 0.5], None, [[left, right]])]

    def keep_with_next(self, block: Node) -> list[Node]:
        return [block]  # docx.postprocess sets keep-with-next on the paragraph before the signature table

    def appendix(self, plan: Plan, index: int, appendix: dict[str, Any]) -> list[Node]:
        columns = appendix_columns(appendix)
        total = sum(c.get("width", 1) for c in columns)
        widths = [c.get("width", 1) / total for c in columns]
        head = [[ast.styled_para("OCOP Table Head", c["label"])] for c in columns]
        rows = []
        for row in appendix["rows"]:
            style = "OCOP Table Group" if row.get("group") else "OCOP Table Text"
            cells = row_cells(row, columns)
            rows.append([[ast.styled_para("OCOP Table Center" if c["key"] == "stt" else style, text or " ")]
                         for c, text in zip(columns, cells, strict=True)])
        return [ast.styled_para("OCOP Appendix Label", appendix_label(plan, index, appendix)),
                ast.styled_para("OCOP Subject", appendix["title"]),
                ast.styled_para("OCOP Appendix Note", reference_line(plan)),
                ast.table(widths, head, rows)]


# --- PDF parts: raw Typst calls; strings go in as Typst string literals, which Typst shows as-is ---

def _lit(value: Any) -> str:
    """Python value -> Typst literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return ast.typst_string(value)
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}: {_lit(v)}" for k, v in value.items()) + ",)" if value else "(:)"
    return "(" + "".join(f"{_lit(v)}, " for v in value) + ")"


class TypstParts:
    def header(self, plan: Plan) -> list[Node]:
        head = plan["header"]
        call = (f"#plan-header(governing: {_lit(head.get('governing', '').upper())}, "
                f"issuing: {_lit([x.upper() for x in head['issuing']])}, number: {_lit(number_line(plan))}, "
                f"nation: {_lit(NATION)}, motto: {_lit(MOTTO)}, place-date: {_lit(place_date_line(plan))})")
        return [ast.raw("typst", call)]

    def title(self, plan: Plan) -> list[Node]:
        rule = f"{title_rule_mm(plan['title'])}mm"
        return [ast.raw("typst", f"#plan-title({_lit(doc_title(plan))}, {_lit(plan['title'])}, rule-length: {rule})")]

    def signature(self, plan: Plan) -> list[Node]:
        lines, signer = signature_lines(plan)
        call = (f"#plan-signature(recipients: {_lit(recipient_lines(plan))}, authority: {_lit(lines)}, "
                f"signer: {_lit(signer)})")
        return [ast.raw("typst", call)]

    def keep_with_next(self, block: Node) -> list[Node]:
        return [ast.raw("typst", "#block(sticky: true, breakable: false)["), block, ast.raw("typst", "]")]

    def appendix(self, plan: Plan, index: int, appendix: dict[str, Any]) -> list[Node]:
        columns = appendix_columns(appendix)
        rows = [{"group": bool(r.get("group")), "cells": row_cells(r, columns)} for r in appendix["rows"]]
        call = (f"#plan-appendix(label: {_lit(appendix_label(plan, index, appendix))}, "
                f"title: {_lit(appendix['title'])}, note: {_lit(reference_line(plan))}, "
                f"columns: {_lit([c['label'] for c in columns])}, "
                f"widths: {_lit([c.get('width', 1) for c in columns])}, rows: {_lit(rows)})")
        return [ast.raw("typst", call)]
