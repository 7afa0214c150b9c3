"""`ocop fmt`: rewrite records into canonical form without losing a comment or a value.

Canonical form: keys in the schema's `properties` order (recursively; unknown keys last, in their
original order), NFC text, 2-space indentation (list items at +2 with their dash), strings that a
YAML 1.1 or 1.2 reader would re-type (dates, codes with leading zeros, yes/no/on/off, numbers as text)
in double quotes, no BOM. ruamel.yaml's round-trip mode keeps comments and flow/block styles; every
value is taken from the project's strict loader, never from ruamel (YAML 1.2 reads 0884683755 as an
int). Each output is checked before it is written: the strict loader must read the same data, and
every comment must still be there. Files with loader or schema errors are not touched.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString

from ocop.authoring.records import schema_comment
from ocop.check import schema as schema_check
from ocop.findings import Finding, has_errors
from ocop.load import BOM, load_document
from ocop.model.layout import classify, valid_name
from ocop.model.schemas import load_schemas, schema_dir

_YAML11 = yaml.resolver.Resolver()  # PyYAML's YAML 1.1 implicit types: what other tools would read
_NUMBERISH = re.compile(r"[-+]?(?:\.?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF|nan|NaN|NAN)"
                        r"|0[xXoObB][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)")
_CODE = re.compile(r"[0-9][0-9./:_ +-]*")  # codes, phone numbers, "148/2023": text that looks like a number stays quoted
_WORDS_11 = frozenset(["y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", "="])


@dataclass
class Result:
    path: str
    status: str  # "ok" (already canonical), "changed", "refused", "failed"
    text: str = ""
    reason: str = ""


def needs_quotes(value: str) -> bool:
    """Would a YAML 1.1 or 1.2 reader (or the strict loader) read this plain scalar as something else than text?"""
    if value == "" or value != value.strip() or value in _WORDS_11:
        return True
    if _YAML11.resolve(yaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        return True
    return bool(_NUMBERISH.fullmatch(value) or _CODE.fullmatch(value))


# --- key order from the schema

def _resolve(schema: dict, schemas: dict[str, dict], current: str) -> tuple[dict, str]:
    """Follow $ref (local or into another schema file) to the schema it names."""
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        file, _, pointer = ref.partition("#")
        doc_name = file.removesuffix(".schema.json") if file else current
        target: Any = schemas.get(doc_name, {})
        for part in [p for p in pointer.split("/") if p]:
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema, current = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}, doc_name
    return schema, current


def _alternatives(schema: dict) -> list[dict]:
    out = [schema]
    for key in ("allOf", "anyOf", "oneOf"):
        out += [s for s in schema.get(key, []) if isinstance(s, dict)]
    for key in ("then", "else"):
        if isinstance(schema.get(key), dict):
            out.append(schema[key])
    return out


def _properties(schema: dict, schemas: dict[str, dict], current: str) -> dict[str, tuple[dict, str]]:
    """Property name → (its schema, its schema file), in declaration order, across allOf/anyOf/oneOf/then."""
    out: dict[str, tuple[dict, str]] = {}
    schema, current = _resolve(schema, schemas, current)
    for alt in _alternatives(schema):
        alt, where = _resolve(alt, schemas, current)
        for name, sub in (alt.get("properties") or {}).items():
            out.setdefault(name, (sub, where))
    return out


def _items(schema: dict, schemas: dict[str, dict], current: str) -> tuple[dict, str]:
    schema, current = _resolve(schema, schemas, current)
    for alt in _alternatives(schema):
        alt, where = _resolve(alt, schemas, current)
        if isinstance(alt.get("items"), dict):
            return alt["items"], where
    return {}, current


# --- the canonical tree: ruamel's nodes (comments, styles) carrying the strict loader's values

def canonical(node: Any, data: Any, schema: dict, schemas: dict[str, dict], current: str) -> Any:
    if isinstance(node, CommentedMap) and isinstance(data, dict):
        return _mapping(node, data, schema, schemas, current)
    if isinstance(node, CommentedSeq) and isinstance(data, list) and len(node) == len(data):
        item_schema, where = _items(schema, schemas, current)
        for i, item in enumerate(data):
            node[i] = canonical(node[i], item, item_schema, schemas, where)
        return node
    return _scalar(node, data)


def _mapping(node: CommentedMap, data: dict, schema: dict, schemas: dict[str, dict], current: str) -> CommentedMap:
    props = _properties(schema, schemas, current)
    raw_keys = list(node.keys())
    by_nfc = {unicodedata.normalize("NFC", str(k)): k for k in raw_keys}
    order = [k for k in props if k in by_nfc] + [k for k in (unicodedata.normalize("NFC", str(r)) for r in raw_keys)
                                                  if k not in props]
    for key in order:
        raw = by_nfc[key]
        sub_schema, where = props.get(key, ({}, current))
        value = canonical(node[raw], data[key], sub_schema, schemas, where)
        if raw != key:  # an NFD key: re-insert under its NFC spelling, keeping its comments
            comments = node.ca.items.pop(raw, None)
            del node[raw]
            node[key] = value
            if comments is not None:
                node.ca.items[key] = comments
        else:
            node[key] = value
        node.move_to_end(key)
    return node


def _scalar(node: Any, value: Any) -> Any:
    if isinstance(value, str):
        if isinstance(node, (FoldedScalarString, LiteralScalarString)) and str(node) == value:
            return node  # a folded or literal block the officer chose, text unchanged: keep it as written
        if "\n" in value and isinstance(node, LiteralScalarString):
            return LiteralScalarString(value)
        return DoubleQuotedScalarString(value) if needs_quotes(value) else value
    if isinstance(value, bool) or value is None:
        return value
    if type(node) is not bool and isinstance(node, (int, float)) and node == value:
        return node  # ruamel keeps the number as written (75.25, not 75.250000)
    return value


# --- text in, text out, with the checks that make it safe to write

def _yaml() -> YAML:
    rt = YAML(typ="rt")
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096  # never re-wrap a long line: that would change how the file reads in a diff
    rt.preserve_quotes = False
    return rt


def comments(text: str) -> Counter[str]:
    """Every comment (from an unquoted # to the end of its line), found outside scalar tokens."""
    covered: list[tuple[int, int]] = []
    for token in yaml.scan(text, Loader=yaml.CSafeLoader):
        if isinstance(token, yaml.ScalarToken):
            covered.append((token.start_mark.index, token.end_mark.index))
    out: Counter[str] = Counter()
    spans = iter(sorted(covered))
    span = next(spans, None)
    i = 0
    while (i := text.find("#", i)) != -1:
        while span is not None and span[1] <= i:
            span = next(spans, None)
        inside = span is not None and span[0] <= i < span[1]
        if not inside and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            end = len(text) if end == -1 else end
            out[text[i:end].rstrip()] += 1
            i = end
        else:
            i += 1
    return out


def format_text(text: str, data: dict, kind: str, schema_dir: Path) -> str:
    schemas = load_schemas(schema_dir)
    tree = _yaml().load(text)
    tree = canonical(tree, data, schemas[kind], schemas, kind)
    out = io.StringIO()
    _yaml().dump(tree, out)
    return out.getvalue()


def format_file(root: Path, rel: str) -> Result:
    kind = classify(rel).kind
    if kind is None:
        return Result(rel, "refused", reason="không phải tệp hồ sơ (không biết lược đồ)")
    if not valid_name(rel):  # never read as a record (LAYOUT-NAME): rename it first
        return Result(rel, "refused", reason="tên tệp không đúng dạng (LAYOUT-NAME); đổi tên trước")
    raw = (root / rel).read_bytes()
    doc = load_document(root / rel, rel, raw)
    findings: list[Finding] = list(doc.findings)
    if isinstance(doc.data, dict):
        findings += schema_check.check_document(doc, kind, schema_dir(root))
    if has_errors(findings) or not isinstance(doc.data, dict):
        first = next(f for f in findings if f.severity == "error")
        return Result(rel, "refused", reason=f"có lỗi ({first.rule} dòng {first.line}); chạy «ocop validate» và sửa trước")
    text = raw.removeprefix(BOM).decode("utf-8")
    try:
        new = format_text(text, doc.data, kind, schema_dir(root))
    except Exception as err:  # ruamel cannot round-trip it: leave the file alone, say so
        return Result(rel, "failed", reason=f"không định dạng được ({type(err).__name__}: {err})")
    new = with_schema_line(new, kind, rel)
    problem = _verify(text, new, doc.data, rel)
    if problem:
        return Result(rel, "failed", reason=problem)
    return Result(rel, "ok" if new.encode("utf-8") == raw else "changed", new)


SCHEMA_LINE = "# yaml-language-server: $schema="


def with_schema_line(text: str, kind: str, rel: str) -> str:
    """The first line names the record's schema for editors (VS Code's YAML extension checks as you type).
    A web editor that drops it, or a file moved to another depth, gets it back, correct."""
    line = schema_comment(kind, rel)
    if text.startswith(SCHEMA_LINE):
        return line + text.split("\n", 1)[1] if "\n" in text else line
    return line + text


def _verify(old: str, new: str, data: dict, rel: str) -> str:
    """The rewritten text must mean the same data to the strict loader and keep every comment."""
    again = load_document(Path(rel), rel, new.encode("utf-8"))
    if again.data != data or any(f.severity == "error" for f in again.findings):
        return "kết quả định dạng đọc ra dữ liệu khác; tệp được giữ nguyên (hãy báo lỗi cho nhóm phát triển)"
    if own_comments(new) != own_comments(old):
        lost = own_comments(old) - own_comments(new)
        return f"kết quả định dạng làm mất chú thích {list(lost)[:2]}; tệp được giữ nguyên"
    return ""


def own_comments(text: str) -> Counter[str]:
    """The file's comments but the schema line, which fmt itself writes."""
    return Counter({c: n for c, n in comments(text).items() if not c.lstrip("# ").startswith("yaml-language-server:")})


def write_atomically(path: Path, text: str) -> None:
    """Write next to the file, then rename over it: a crash never leaves half a record."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record_files(root: Path, paths: list[str]) -> list[str]:
    """Repository-relative YAML files named by `paths` (files or folders), default registry/ and plans/."""
    targets = [root / p for p in paths] if paths else [root / "registry", root / "plans"]
    out: set[str] = set()
    for target in targets:
        target = target if target.is_absolute() else Path.cwd() / target
        files = sorted(target.rglob("*.yaml")) if target.is_dir() else [target]
        for file in files:
            if file.is_symlink() or not file.is_file():
                continue
            rel = file.resolve().relative_to(root).as_posix() if file.resolve().is_relative_to(root) else None
            if rel and (paths or classify(rel).kind):
                out.add(rel)
    return sorted(out)
