"""What a command found, before it is rendered: findings, a verdict line, and optionally a table,
terminal lines, a JSON value or a whole Markdown document that replace the findings' default forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ocop.findings import Finding, rule_page

SEVERITY_VI = {"error": "lỗi", "warning": "cảnh báo"}


@dataclass(frozen=True)
class Table:
    """A table for Markdown (job summaries, issues). Cells are plain text: the Markdown reporter escapes
    them; columns listed in `code` are shown as code."""

    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    code: frozenset[int] = frozenset()
    links: dict[int, str] = field(default_factory=dict)  # column → URL template; "{}" takes the cell, URL-quoted


@dataclass
class Report:
    title: str
    summary: str
    findings: list[Finding] = field(default_factory=list)
    lines: list[str] | None = None  # terminal lines; default: each finding with its hint and related places
    table: Table | None = None  # Markdown; default: the findings table (none when there are no findings)
    data: Any = None  # JSON; default: the findings
    document: str | None = None  # a whole Markdown document, replacing heading, summary and table
    site_url: str = ""  # where rule pages live; empty: findings name their rule without a link

    @classmethod
    def of_findings(cls, findings: list[Finding], files_checked: int, title: str = "Kiểm tra sổ đăng ký OCOP",
                    site_url: str = "") -> Report:
        return cls(title, verdict(findings, files_checked), findings, site_url=site_url)

    def rule_url(self, rule_id: str) -> str:
        return self.site_url.rstrip("/") + "/" + rule_page(rule_id) if self.site_url else ""


def verdict(findings: list[Finding], files_checked: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    word = "KHÔNG ĐẠT" if errors else "ĐẠT"
    return f"{word}: {files_checked} tệp đã kiểm tra, {errors} lỗi, {warnings} cảnh báo."
