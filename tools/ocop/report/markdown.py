"""Markdown reporter (GitHub job summaries, issue bodies, pull-request comments).

Every cell is escaped: record values are untrusted text, and GitHub renders HTML, mentions and links.
"""

from __future__ import annotations

from typing import TextIO
from urllib.parse import quote

from ocop.report.model import SEVERITY_VI, Report, Table


def cell(value: str) -> str:
    """Table-cell text: no HTML, no pipes, no line breaks, no code spans."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("|", "\\|").replace("\r", " ").replace("\n", " ").replace("`", "'")


MAX_ROWS = 1000  # GitHub refuses a job summary over 1 MiB; every row is also in the JSON report


def render_table(table: Table, max_rows: int = MAX_ROWS) -> str:
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    for row in table.rows[:max_rows]:
        lines.append("| " + " | ".join(_cell(table, i, v) for i, v in enumerate(row)) + " |")
    if len(table.rows) > max_rows:
        lines += ["", f"… và {len(table.rows) - max_rows} dòng nữa (xem đủ bằng `--format json`)."]
    return "\n".join(lines) + "\n"


def _cell(table: Table, column: int, value: str) -> str:
    text = f"`{cell(value)}`" if column in table.code else cell(value)
    if column in table.links:
        return f"[{text}]({table.links[column].format(quote(value, safe=''))})"
    return text


def findings_table(report: Report) -> Table | None:
    if not report.findings:
        return None
    rows = [(SEVERITY_VI[f.severity], f.rule, f.location, f.message, f.hint)
            for f in report.findings]
    links = {1: report.rule_url("{}")} if report.site_url else {}
    return Table(("Mức", "Quy tắc", "Vị trí", "Nội dung", "Gợi ý"), rows, code=frozenset({1}), links=links)


def render(report: Report) -> str:
    if report.document is not None:
        return report.document
    table = report.table if report.table is not None else findings_table(report)
    body = f"## {report.title}\n\n{report.summary}\n\n"
    return body + (render_table(table) if table and table.rows else "")


def report(report: Report, out: TextIO) -> None:
    out.write(render(report))
