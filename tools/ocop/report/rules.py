"""The generated catalogue of validation rules (published on the site, printed by `ocop rules`)."""

from __future__ import annotations

import html
import json

from ocop.check.catalogue import all_rules, family_title
from ocop.report.model import Report


def render(fmt: str = "markdown", html_safe: bool = False) -> str:
    """The catalogue as JSON or Markdown. `html_safe` escapes the prose for the site: rule texts talk
    about <script> and <img onerror=…>, which Markdown would pass through as live HTML."""
    rules = all_rules()
    prose = html.escape if html_safe else (lambda text: text)
    if fmt == "json":
        return json.dumps([r.__dict__ for r in rules], ensure_ascii=False, indent=2) + "\n"
    lines = ["# Quy tắc kiểm tra", "",
             "Mỗi lỗi hoặc cảnh báo của `ocop validate` mang một mã quy tắc cố định. "
             "Lỗi (error) chặn việc hợp nhất; cảnh báo (warning) chỉ nhắc nhở.", ""]
    family = None
    for r in rules:
        if r.family != family:
            family = r.family
            lines += [f"## {family_title(family)}", ""]
        level = "lỗi" if r.severity == "error" else "cảnh báo"
        lines += [f"### {r.id}", "", f"**{prose(r.title)}** ({level}). {prose(r.summary)}", ""]
        if r.example:
            lines += ["Ví dụ:", "", "```text", r.example.replace("\\n", "\n"), "```", ""]
        if r.fix:
            lines += [f"Cách sửa: {prose(r.fix)}", ""]
    return "\n".join(lines)


def catalogue_report() -> Report:
    """`ocop rules` through the reporters: the Markdown catalogue, or the rules as JSON."""
    rules = all_rules()
    return Report("Quy tắc kiểm tra", f"{len(rules)} quy tắc.", data=[r.__dict__ for r in rules],
                  document=render("markdown"))
