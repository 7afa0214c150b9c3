"""GitHub Actions reporter: workflow-command annotations plus a Markdown job summary.

GitHub shows at most 10 error annotations per step, so the job summary lists every finding.
Property and message values are escaped as the workflow-command spec requires.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from ..findings import Finding
from .text import SEVERITY_VI, summary


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    command = "error" if f.severity == "error" else "warning"
    props = (f"file={escape_property(f.file)},line={f.line},col={f.column},"
             f"title={escape_property(f'{f.rule}: {SEVERITY_VI[f.severity]}')}")
    body = f.message + (f"\nGợi ý: {f.hint}" if f.hint else "")
    return f"::{command} {props}::{escape_data(body)}"


def markdown_cell(value: str) -> str:
    """Table-cell text: no HTML, no pipes, no line breaks."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("|", "\\|").replace("\n", " ").replace("`", "'")


def job_summary(findings: list[Finding], files_checked: int, title: str = "Kiểm tra sổ đăng ký OCOP") -> str:
    lines = [f"## {title}", "", summary(findings, files_checked), ""]
    if findings:
        lines += ["| Mức | Quy tắc | Vị trí | Nội dung | Gợi ý |", "|---|---|---|---|---|"]
        for f in findings:
            where = markdown_cell(f"{f.file}:{f.line}:{f.column}")
            lines.append(f"| {SEVERITY_VI[f.severity]} | `{f.rule}` | {where} | {markdown_cell(f.message)} | "
                         f"{markdown_cell(f.hint)} |")
    return "\n".join(lines) + "\n"


def report(findings: list[Finding], files_checked: int, out: TextIO) -> None:
    for f in findings:
        out.write(annotation(f) + "\n")
    out.write(summary(findings, files_checked) + "\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with Path(summary_path).open("a", encoding="utf-8") as fh:
            fh.write(job_summary(findings, files_checked))
