"""`ocop forms`: write the generated issue forms; and the parser of the issue body GitHub renders from them.

GitHub renders a submitted form as "### <label>\\n\\n<value>" sections ("_No response_" when empty).
"""

from __future__ import annotations

import re
from pathlib import Path

from ocop.check.pipeline import load_registry
from ocop.model.issue_forms import COMMAND, FOLDER, FORMS, LABEL, Field, Form, expected, fields

__all__ = ["COMMAND", "FOLDER", "FORMS", "LABEL", "Field", "Form", "expected", "fields", "form_for_labels", "option_value", "parse_body", "stale", "write"]
NO_RESPONSE = "_No response_"


def stale(root: Path) -> list[str]:
    registry = load_registry(root)[0]
    return [rel for rel, text in expected(root, registry).items()
            if not (root / rel).is_file() or (root / rel).read_text("utf-8") != text]


def write(root: Path) -> list[str]:
    registry = load_registry(root)[0]
    written = []
    for rel, text in expected(root, registry).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            written.append(rel)
    return written


# ---- reading a submitted form ----------------------------------------------------------------------

def form_for_labels(labels: list[str]) -> Form | None:
    return next((f for f in FORMS if f.label in labels), None)


def parse_body(body: str, labels_in_order: list[str]) -> dict[str, str]:
    """Values by label, reading the known "### label" headings in form order (a value cannot fake a later one
    it precedes: each heading is searched after the previous one)."""
    text = body.replace("\r\n", "\n")
    found: list[tuple[str, int, int]] = []
    position = 0
    for label in labels_in_order:
        match = re.compile(r"^### " + re.escape(label) + r"[ \t]*$", re.M).search(text, position)
        if match:
            found.append((label, match.start(), match.end()))
            position = match.end()
    values = {}
    for i, (label, _start, end) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else len(text)
        value = text[end:stop].strip()
        values[label] = "" if value == NO_RESPONSE else value
    return values


def option_value(field: Field, shown: str) -> str:
    """The code behind a dropdown choice ("Hợp tác xã (htx)" → "htx"); other text is returned as typed."""
    for value, text in field.options:
        if shown == text:
            return value
    return shown
