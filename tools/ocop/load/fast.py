"""The fast path of the loader: rapidyaml parses, emits JSON, `json.loads` builds the data (all in C).

About 8x cheaper than libyaml plus the strict builder on a plain record. It answers only for texts where
it is known to agree with the strict loader, and otherwise returns None: the strict loader (loader.py)
then decides, with its findings and positions. So every verdict is the strict loader's; this only skips
its work for files that hold nothing it would object to or type differently.

A text goes to the strict loader when it shows, before parsing:
- anything the strict loader refuses or rewrites: control or invisible characters, line or paragraph
  separators, text that is not NFC, a byte-order mark (checked by the caller), tabs;
- anchors, aliases, tags, merge keys, directives, document markers, complex keys, block scalars,
  escapes (backslashes), carriage returns, characters libyaml refuses to start a value with (`@`, `` ` ``);
- enough lines and commas to hold a collection longer than MAX_ITEMS, or enough brackets to nest deeper
  than MAX_DEPTH;
and after parsing, when rapidyaml fails, the result is not a mapping, a mapping repeats a key, a number
is not one the strict loader's resolver would make (`1e5`, `+1`, `1e999`, 31 digits), or a text or key is
one the strict loader types differently when unquoted (`True`, `NULL`, `~`, a key `1:`, `true:`, `:`).
rapidyaml quotes every scalar in its JSON except numbers and lowercase true/false/null, keeps quoted
scalars text, and never re-types YAML 1.1 scalars (`no`, `2024-01-02`, `010` stay text), which is what
the strict resolver does; tests/unit/load/test_fast.py holds the two to the same data on every fixture,
the hostile corpus and generated texts.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

# What sends a text to the strict loader before parsing (see the module docstring), as a few searches that
# each start on a character class: `re` scans those in C at memory speed, while one alternation of them
# all, or one starting with `^`, tries every position (5-15x slower; the fast path's whole budget).
_HARD = re.compile(r"[\t\r\\&*!|>\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]").search  # tabs, CR, escapes, anchors, …
# a value or key starting with a character libyaml refuses there (`[:x]`, `@x`, `` `x ``, `%x`, `? x`, ` ]`)
_VALUE_START = re.compile(r"[?%@`:\]}](?<=[\s\[\]{},:][?%@`:]|\s[\]}])").search
_FIRST = "?%@`:]}"
# text after a flow collection closes on its line (`{a: 1} - {b: 2}`, `{a: 1}: x`)
_AFTER_FLOW = re.compile(r"[\]}] *[^\s,\]}]").search
_COMMENT_AFTER_VALUE = re.compile(r"\S[ ]+#").search  # inside a flow collection rapidyaml reads it as text


def _unusual(text: str) -> bool:
    """Tabs, CR, escapes, anchors, aliases, tags, block scalars, merge keys (`<<`), directives and document
    markers, complex keys, a value starting with a character libyaml refuses there, an empty value in a
    flow collection (`{A:, B: 1}`), text after a flow collection, a comment after a value."""
    return (_HARD(text) is not None or _VALUE_START(text) is not None or _AFTER_FLOW(text) is not None
            or text[:1] in _FIRST or text.startswith(("---", "...", "%"))
            or "<<" in text or ":," in text or ":}" in text or ":]" in text or "\n---" in text or "\n..." in text
            or "\n%" in text or (" #" in text and _COMMENT_AFTER_VALUE(text) is not None))


# A JSON text the strict resolver reads as null or a boolean when unquoted (rapidyaml keeps these as text
# whether quoted or not, so only the strict loader can tell), or a key it refuses unquoted (YAML-KEY: a
# number, true/false, null or nothing).
_TYPED = re.compile(r'"(?:True|TRUE|False|FALSE|Null|NULL|~)"|"(?:true|false|null|[-+.0-9][^"]*|)"\s*:').search


class _Unusual(Exception):
    """Raised inside json.loads when a value needs the strict loader."""


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):  # a repeated key: YAML-DUPLICATE-KEY, with both lines
        raise _Unusual
    return mapping


def _int(literal: str) -> int:
    if len(literal) > 30:  # the strict loader keeps such a number as text (for the schema to name)
        raise _Unusual
    return int(literal)


def _float(literal: str) -> float:
    number = float(literal)
    if "." not in literal or not math.isfinite(number):  # `1e5` is text to the strict resolver; 1e999 too
        raise _Unusual
    return number


def _constant(literal: str) -> Any:
    raise _Unusual


_DECODER = json.JSONDecoder(object_pairs_hook=_mapping, parse_int=_int, parse_float=_float, parse_constant=_constant)


def _bounded(text: str, max_depth: int, max_items: int) -> bool:
    """Whether no collection can be longer than max_items (each item needs a line or a comma) and none
    can nest deeper than max_depth (each collection needs a bracket in the JSON, see _shallow)."""
    return text.count("\n") + text.count(",") + 1 <= max_items and text.count("[") + text.count("{") <= max_depth


def _shallow(emitted: str, max_depth: int) -> bool:
    """Whether the parsed data nests at most max_depth collections: each one is a `[` or `{` in the JSON,
    so fewer brackets in all (strings included) settle it without walking the data."""
    return emitted.count("[") + emitted.count("{") <= max_depth


_quiet = False  # inside quiet_stderr(): standard error already goes nowhere


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null: rapidyaml's C++ prints every parse error there before it raises,
    and the strict loader reports the error properly. Workers hold it around a batch (a redirection per
    file costs 6 µs); a lone call takes it itself."""
    global _quiet
    if _quiet:
        yield
        return
    try:
        sys.stderr.flush()
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):  # no descriptor 2 to save: nothing to keep clean either
        yield
        return
    os.dup2(devnull, 2)
    os.close(devnull)
    _quiet = True
    try:
        yield
    finally:
        _quiet = False
        os.dup2(saved, 2)
        os.close(saved)


def _json_of(raw: bytes) -> str | None:
    """rapidyaml's JSON of the text, or None when it cannot parse it (the strict loader then names why)."""
    if not _quiet:
        with quiet_stderr():
            return _json_of(raw) if _quiet else _parse_and_emit(raw)
    return _parse_and_emit(raw)


@functools.cache
def _rapidyaml() -> Any:
    """rapidyaml, imported on first use: its import costs ~20 ms, and a warm run parses nothing."""
    import ryml

    return ryml


def _parse_and_emit(raw: bytes) -> str | None:
    ryml = _rapidyaml()
    try:
        tree = ryml.parse_in_arena(raw)
        return ryml.emit_json_malloc(tree, tree.root_id())
    except Exception:  # rapidyaml's parse errors (ExceptionParse, ExceptionBasic): the strict loader names them
        return None


def fast_load(raw: bytes, text: str, max_depth: int, max_items: int, has_invisible: Any) -> dict | None:
    """The record's data when the fast path can vouch for it, else None (the strict loader decides)."""
    if _unusual(text) or not _bounded(text, max_depth, max_items):
        return None
    if not text.isascii() and (not unicodedata.is_normalized("NFC", text) or has_invisible(text)):
        return None
    emitted = _json_of(raw)
    if not emitted or not _shallow(emitted, max_depth) or _TYPED(emitted):
        return None
    try:
        data = _DECODER.decode(emitted)
    except (_Unusual, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None
