"""GitHub Actions reporter: workflow-command annotations plus the Markdown report as the job summary.

GitHub shows at most 10 error annotations per step, so the job summary lists every finding.
Property and message values are escaped as the workflow-command spec requires.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from ocop.findings import Finding
from ocop.report import markdown
from ocop.report.model import SEVERITY_VI, Report


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding, rule_url: str = "") -> str:
    """One annotation; with the rule's page, the body ends with a link to it (annotations show plain text,
    and GitHub makes the URL clickable)."""
    command = "error" if f.severity == "error" else "warning"
    props = (f"file={escape_property(f.file)},line={f.line},col={f.column},"
             f"title={escape_property(f'{f.rule}: {SEVERITY_VI[f.severity]}')}")
    body = ((f"Mục {f.cell}: " if f.pointer else f"Ô {f.cell}: ") if f.cell else "") + f.message + (f"\nGợi ý: {f.hint}" if f.hint else "") + (f"\nQuy tắc: {rule_url}" if rule_url else "")
    return f"::{command} {props}::{escape_data(body)}"


def report(report: Report, out: TextIO) -> None:
    for f in report.findings:
        out.write(annotation(f, report.rule_url(f.rule)) + "\n")
    if report.summary:
        out.write(report.summary + "\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with Path(summary_path).open("a", encoding="utf-8") as fh:
            fh.write(markdown.render(report))
