"""Tiny builders for pandoc's JSON AST (API 1.23), so no text is ever re-parsed as markdown."""

from __future__ import annotations

import re
from typing import Any

Node = dict[str, Any]
API_VERSION = [1, 23, 1, 1]
_NO_ATTR: list[Any] = ["", [], []]
_WORDS = re.compile(r"([ \t\r\n]+)")  # not \s: no-break spaces must stay inside words


def inlines(text: str) -> list[Node]:
    out: list[Node] = []
    for piece in _WORDS.split(text):
        if not piece:
            continue
        out.append({"t": "Space"} if not piece.strip(" \t\r\n") else {"t": "Str", "c": piece})
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
