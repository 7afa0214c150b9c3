"""Terminal reporter: `path:line:col: error[ID] message` (`book.xlsx:Sheet1!C12: …` for a spreadsheet cell), hint
and related places indented, summary line."""

from __future__ import annotations

from typing import TextIO

from ocop.findings import Finding
from ocop.report.model import Report


def finding_lines(f: Finding) -> list[str]:
    lines = [f"{f.location}: {f.severity}[{f.rule}] {f.message}"]
    if f.hint:
        lines.append(f"    gợi ý: {f.hint}")
    lines += [f"    liên quan: {r.file}:{r.line}:{r.column}: {r.message}" for r in f.related]
    return lines


def report(report: Report, out: TextIO) -> None:
    lines = report.lines if report.lines is not None else [line for f in report.findings for line in finding_lines(f)]
    for line in lines:
        out.write(line + "\n")
    if report.summary:
        out.write(report.summary + "\n")
