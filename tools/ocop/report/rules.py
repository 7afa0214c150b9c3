"""The generated catalogue of validation rules: `ocop rules`, the site's /quy-tac/ index and one page per
rule (/quy-tac/<ID>/), all from the Rule objects."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from ocop.check.catalogue import all_rules, family_title
from ocop.findings import Rule
from ocop.report.model import SEVERITY_VI, Report

INTRO = ("Mỗi lỗi hoặc cảnh báo của `ocop validate` mang một mã quy tắc cố định. "
         "Lỗi (error) chặn việc hợp nhất; cảnh báo (warning) chỉ nhắc nhở.")


def render(fmt: str = "markdown", html_safe: bool = False) -> str:
    """The catalogue as JSON or Markdown. `html_safe` escapes the prose for the site: rule texts talk
    about <script> and <img onerror=…>, which Markdown would pass through as live HTML."""
    rules = all_rules()
    if fmt == "json":
        return json.dumps([r.__dict__ for r in rules], ensure_ascii=False, indent=2) + "\n"
    prose = _prose(html_safe)
    lines = ["# Quy tắc kiểm tra", "", INTRO, ""]
    family = None
    for r in rules:
        if r.family != family:
            family = r.family
            lines += [f"## {family_title(family)}", ""]
        lines += [f"### {r.id}", "", f"**{prose(r.title)}** ({SEVERITY_VI[r.severity]}). {prose(r.summary)}", ""]
        if html_safe:
            lines += [f"[Trang của quy tắc {r.id}]({r.id}.md)", ""]
        lines += _example_lines(r, prose)
    return "\n".join(lines)


def render_page(r: Rule) -> str:
    """One rule's own page (Markdown for MkDocs, prose escaped): what it checks, an example and its fix."""
    prose = _prose(True)
    lines = [f"# {r.id}: {prose(r.title)}", "",
             f"**Mức:** {SEVERITY_VI[r.severity]} · **Nhóm:** {prose(family_title(r.family))} · "
             f"**Có từ phiên bản:** {prose(r.added_in)}", "", prose(r.summary), ""]
    lines += _example_lines(r, prose)
    lines += ["Kiểm tra lại trên máy: `ocop validate` (hoặc xem chú thích của máy kiểm tra trên pull request).", "",
              "[Tất cả quy tắc kiểm tra](index.md)", ""]
    return "\n".join(lines)


def _prose(html_safe: bool) -> Callable[[str], str]:
    return html.escape if html_safe else (lambda text: text)


def _example_lines(r: Rule, prose: Callable[[str], str]) -> list[str]:
    lines: list[str] = []
    if r.example:
        lines += ["Ví dụ sai:", "", *_fenced(r.example)]
    if r.fixed:
        lines += ["Sửa thành:", "", *_fenced(r.fixed)]
    if r.fix:
        lines += [f"Cách sửa: {prose(r.fix)}", ""]
    return lines


def _fenced(text: str) -> list[str]:
    body = text.replace("\\n", "\n")
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    return [fence + "text", body, fence, ""]


def _longest_backtick_run(text: str) -> int:
    run = best = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        best = max(best, run)
    return best


def catalogue_report() -> Report:
    """`ocop rules` through the reporters: the Markdown catalogue, or the rules as JSON."""
    rules = all_rules()
    return Report("Quy tắc kiểm tra", f"{len(rules)} quy tắc.", data=[r.__dict__ for r in rules],
                  document=render("markdown"))
