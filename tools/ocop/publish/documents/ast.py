"""Tiny builders for pandoc's JSON AST (API 1.23), so no text is ever re-parsed as markdown.

Record text enters the documents here only: as pandoc `Str` nodes (`inlines`), which the DOCX writer emits
as plain runs, and, for the PDF, as Typst string literals (`typst_string`, `typst_literal`), which Typst
shows as text and never parses as markup. Pandoc's own Typst escaping is not relied on: it is context
dependent and misses line starts made by U+2028 and shorthands such as `...` and `-?`.
"""

from __future__ import annotations

import re
from typing import Any

Node = dict[str, Any]
API_VERSION = [1, 23, 1, 1]
_NO_ATTR: list[Any] = ["", [], []]
# Word breaks: not \s (no-break spaces must stay inside words), but every character that starts a new line
# somewhere (VT, FF, NEL, U+2028, U+2029): in a document all of them are one space.
_WORDS = re.compile("([ \t\r\n\x0b\x0c\x85\u2028\u2029]+)")
_BREAKS = " \t\r\n\x0b\x0c\x85\u2028\u2029"


def inlines(text: str) -> list[Node]:
    out: list[Node] = []
    for piece in _WORDS.split(text):
        if not piece:
            continue
        out.append({"t": "Space"} if not piece.strip(_BREAKS) else {"t": "Str", "c": piece})
    return out


def para(text: str) -> Node:
    return {"t": "Para", "c": inlines(text)}


def plain(text: str) -> Node:
    return {"t": "Plain", "c": inlines(text)}


def emph_para(text: str) -> Node:
    return {"t": "Para", "c": [{"t": "Emph", "c": inlines(text)}]}


def header(level: int, text: str) -> Node:
    return {"t": "Header", "c": [level, _NO_ATTR, inlines(text)]}


def styled(style: str, blocks: list[Node]) -> Node:
    """A Div whose paragraphs take a named paragraph style from the reference DOCX."""
    return {"t": "Div", "c": [["", [], [["custom-style", style]]], blocks]}


def styled_para(style: str, text: str) -> Node:
    return styled(style, [para(text)])


def raw(fmt: str, text: str) -> Node:
    return {"t": "RawBlock", "c": [fmt, text]}


def _cell(blocks: list[Node]) -> list[Any]:
    return [_NO_ATTR, {"t": "AlignDefault"}, 1, 1, blocks]


def _row(cells: list[list[Node]]) -> list[Any]:
    return [_NO_ATTR, [_cell(blocks) for blocks in cells]]


def table(widths: list[float], head: list[list[Node]] | None, rows: list[list[list[Node]]]) -> Node:
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidth", "c": w}] for w in widths]
    head_rows = [_row(head)] if head else []
    body = [_NO_ATTR, 0, [], [_row(r) for r in rows]]
    return {"t": "Table", "c": [_NO_ATTR, [None, []], colspecs, [_NO_ATTR, head_rows], [body], [_NO_ATTR, []]]}


def document(blocks: list[Node]) -> dict[str, Any]:
    return {"pandoc-api-version": API_VERSION, "meta": {}, "blocks": blocks}


# --- Typst ----------------------------------------------------------------------------------

_TYPST_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TYPST_UNSAFE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]')


def typst_string(text: str) -> str:
    """A Typst string literal holding exactly `text`. Typst knows only the escapes backslash, quote, n, r, t
    and u{…} (JSON's b, f and u0007 forms are errors); invisible characters are written as u{…} too."""
    return '"' + _TYPST_UNSAFE.sub(lambda m: _TYPST_ESCAPES.get(m.group(), f"\\u{{{ord(m.group()):x}}}"), text) + '"'


def typst_literal(node: Any) -> Any:
    """The AST with every `Str` replaced by raw Typst that embeds it as a string literal (`#"…";`): in markup
    an embedded string is shown as text, whatever it holds. The `;` ends the expression, so what follows
    (`.`, `(`, `[`) can never continue it as a method call or argument."""
    if isinstance(node, dict):
        if node.get("t") == "Str":
            return {"t": "RawInline", "c": ["typst", f"#{typst_string(node['c'])};"]}
        return {key: typst_literal(value) for key, value in node.items()}
    if isinstance(node, list):
        return [typst_literal(item) for item in node]
    return node
