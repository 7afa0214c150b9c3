"""Markup in text fields: HTML tags, script, event handlers and script-bearing Markdown links.

The public site escapes every record value (Jinja2 autoescape; hub pages are raw HTML blocks Markdown
never re-reads), so such text cannot run in a visitor's browser. It is still almost always a paste from
a web page or an attempt to inject, and it shows up literally on the site: the officer is told.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ocop.check.rules import Provinces
from ocop.findings import Finding, make, rule
from ocop.model.registry import Record

rule("TEXT-MARKUP", "warning", "Văn bản chứa mã HTML hoặc liên kết nguy hiểm",
     "Trường văn bản có thẻ HTML (<script>, <img onerror=…>, <iframe>…), liên kết Markdown tới javascript: "
     "hoặc data:. Trang web hiển thị nguyên văn (không chạy), nhưng gần như chắc chắn là nhập nhầm.",
     example="description: <script>alert(1)</script>",
     fix="Xóa thẻ HTML và liên kết; chỉ ghi văn bản thường (địa chỉ web ghi ở trường url).", family="markup", fixed="description: Vải thiều sấy lạnh, không chất bảo quản.")

# Each pattern names what it found, for the message. Order: the most alarming first.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("thẻ <script>", re.compile(r"<\s*/?\s*script\b", re.I)),
    ("thuộc tính sự kiện (on…=)", re.compile(r"<[a-z!][^>]*?\bon[a-z]+\s*=", re.I | re.S)),
    ("liên kết javascript:/data:/vbscript:",
     re.compile(r"(?:\]\(\s*<?|\b(?:href|src|action)\s*=\s*[\"']?\s*)(?:javascript|data|vbscript)\s*:", re.I)),
    ("địa chỉ javascript:", re.compile(r"\bjavascript\s*:", re.I)),
    ("thẻ HTML", re.compile(r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>|<!--|<!\[CDATA\[", re.I)),
)
# Cheap prefilter: text without any of these cannot match a pattern (every tag has «<», every link a scheme).
_TRIGGER = re.compile(r"<|script\s*:|data\s*:", re.I)
# The same test on lowercased text without re.I: 3-4x cheaper (re.I makes the scan compare case-folded
# characters one by one). Equal to _TRIGGER except for the only characters whose str.lower() differs from
# the simple case folding re.I uses for these letters: İ (lowercases to two characters), ı and ſ (re.I
# takes them for i and s); text holding one of them takes _TRIGGER itself.
_TRIGGER_LOWER = re.compile(r"<|script\s*:|data\s*:")


def might_hold_markup(text: str) -> bool:
    """Whether `_TRIGGER` finds something in the text, answered cheaply (`in` is a memchr; a regex scan of
    a record's 500 characters is not)."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        return _TRIGGER.search(text) is not None
    low = text.lower()
    return ("<" in low or "script" in low or "data" in low) and _TRIGGER_LOWER.search(low) is not None


def find_markup(text: str) -> str | None:
    """What kind of markup the text carries, or None."""
    if not _TRIGGER.search(text):
        return None
    for label, pattern in PATTERNS:
        if pattern.search(text):
            return label
    return None


def _strings(value: Any) -> Iterator[tuple[tuple, str]]:
    """(keypath, text) of every string that could hold markup; iterative, it runs over every record."""
    stack: list[tuple[tuple, Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _TRIGGER.search(item):
                yield path, item
        elif isinstance(item, dict):
            stack.extend(((*path, k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend(((*path, i), v) for i, v in enumerate(item))


def check_record(record: Record, provinces: Provinces) -> Iterator[Finding]:
    del provinces
    if not might_hold_markup(repr(record.data)):  # one C-speed pass rules out almost every record
        return
    for path, text in _strings(record.data):
        label = find_markup(text)
        if label is None:
            continue
        line, column = record.locate(*path)
        name = ".".join(str(p) for p in path)
        yield make("TEXT-MARKUP", record.path, line, column,
                   f"Trường «{name}» chứa {label}; trang web sẽ hiện nguyên văn, không chạy mã này.")
