"""The generated catalogue of validation rules (published on the site, printed by `ocop rules`)."""

from __future__ import annotations

import html
import json

from . import checks, validate  # noqa: F401  (importing registers the loader and layout rules)
from .findings import RULES, Rule

FAMILY_VI = {
    "yaml": "Đọc tệp (YAML, mã hóa)", "schema": "Lược đồ", "layout": "Bố cục kho và mã hồ sơ",
    "references": "Tham chiếu giữa các hồ sơ", "units": "Đơn vị hành chính", "scoring": "Chấm điểm",
    "authority": "Thẩm quyền công nhận", "lifecycle": "Hiệu lực chứng nhận", "history": "Lịch sử (chỉ thêm, không sửa)",
    "markup": "An toàn nội dung", "sync": "Tệp sinh tự động",
}


def all_rules() -> list[Rule]:
    checks.families()  # import every family module so its rules are registered
    return sorted(RULES.values(), key=lambda r: (list(FAMILY_VI).index(r.family) if r.family in FAMILY_VI else 99, r.id))


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
            lines += [f"## {FAMILY_VI.get(family, family or 'Khác')}", ""]
        level = "lỗi" if r.severity == "error" else "cảnh báo"
        lines += [f"### {r.id}", "", f"**{prose(r.title)}** ({level}). {prose(r.summary)}", ""]
        if r.example:
            lines += ["Ví dụ:", "", "```text", r.example.replace("\\n", "\n"), "```", ""]
        if r.fix:
            lines += [f"Cách sửa: {prose(r.fix)}", ""]
    return "\n".join(lines)
