"""A re-scored evaluation as a Report: the score sheet as terminal lines or JSON, its problems as findings."""

from __future__ import annotations

from ocop.domain import scoring
from ocop.findings import Finding
from ocop.load import Document
from ocop.report.model import Report


def score_report(doc: Document, result: scoring.Score) -> Report:
    findings = []
    for problem in result.problems:
        line, column = doc.locate(problem.keypath)
        findings.append(Finding(problem.code, "error", doc.path, line, column, problem.message))
    return Report(f"Điểm của {doc.path}", "", findings, lines=sheet_lines(result), data=result.to_json())


def sheet_lines(result: scoring.Score) -> list[str]:
    cset = scoring.criteria_sets()[result.criteria_set]
    lines = [f"Bộ tiêu chí {result.criteria_set}, bộ sản phẩm {result.product_set}"]
    for c in result.criteria:
        lines.append(f"  {c.id}  {_num(c.points):>5} / {_num(c.max):<3} {c.name}")
    for part, points in result.parts.items():
        lines.append(f"Phần {part} ({cset.part_names.get(part, '')}): {_num(points)} / {_num(cset.parts[part])}")
    lines.append(f"Tổng điểm: {_num(result.total)}")
    star = f"Hạng: {result.star}★"
    if result.star != result.band:
        star += f" (khung điểm {result.band}★, hạ vì không đạt tiêu chí bắt buộc {', '.join(result.failed_mandatory)})"
    lines.append(star)
    return lines


def _num(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
