"""Record text in canonical form (what `ocop fmt` writes), fast enough for tens of thousands of records.

`records.to_yaml` (PyYAML's emitter) takes ~3.5 ms a record and `ocop fmt`'s round trip ~50 ms: an import of
20,000 rows writes ~60,000 files. Imported records hold only short one-line texts, numbers and unit references,
so they are written here directly: keys in schema order (`records.ordered`), unit references and decision
entries on one line, text plain unless a YAML reader would re-type it (then in double quotes, as `ocop fmt`
does). A text this writer is not sure about (a leading quote, ": ", " #", an unusual character) sends the record
through `to_yaml` and `fmt.format_text` instead. Tests hold both paths to `ocop fmt --check`.

Existing records (`--update`) are changed through `fmt`'s round trip, which keeps their comments.
"""

from __future__ import annotations

import copy
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ocop.authoring import fmt, records
from ocop.model.schemas import UNIT_REF, SchemaSet, load_schemas

# Plain text ruamel writes as it is in a block mapping: a letter or digit first, printable characters, no ": " or " #",
# nothing at the end that reads as an indicator. In a flow mapping ({…}), also none of ,[]{}: and #.
_PRINTABLE = r"\x20-\x7e\xa0-\ud7ff\ue000-\ufeff\ufeff-\ufffd"
_BLOCK_PLAIN = re.compile(rf"[^\W_][{_PRINTABLE}]*", re.UNICODE)
_FLOW_UNSAFE = re.compile(r"[,\[\]{}:#]")
_QUOTED_OK = re.compile(rf"[{_PRINTABLE}]*")


class NotSimple(Exception):
    """A value this writer does not emit itself: the slow, exact path is used for the record."""


def needs_quotes(value: str) -> bool:
    """fmt.needs_quotes, quicker for text that starts with a letter: such text is re-typed by a YAML 1.1 or 1.2
    reader only when it is one of the words yes/no/on/off/true/false/null… (numbers, dates and codes start with
    a digit, a sign or a dot)."""
    if value[:1].isalpha():
        return value in fmt._WORDS_11 or value != value.strip()
    return fmt.needs_quotes(value)


_SCALARS: dict[tuple[str, bool], str] = {}  # unit names, codes and dates repeat across thousands of records


def scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if not isinstance(value, str):
        raise NotSimple(repr(value))
    found = _SCALARS.get((value, flow))
    if found is None:
        found = _scalar(value, flow)
        if len(_SCALARS) < 100_000:
            _SCALARS[(value, flow)] = found
    return found


def _scalar(value: str, flow: bool) -> str:
    if not value or "\ufeff" in value:
        raise NotSimple(value)
    if needs_quotes(value):
        if not _QUOTED_OK.fullmatch(value):
            raise NotSimple(value)
        return json.dumps(value, ensure_ascii=False)
    if (not _BLOCK_PLAIN.fullmatch(value) or ": " in value or " #" in value or value.endswith(":")
            or (flow and _FLOW_UNSAFE.search(value)) or "  " in value):
        raise NotSimple(value)
    return value


@dataclass
class Shape:
    """Where keys go in one object of a schema: its properties in order, and the shapes below them."""

    order: dict[str, int] = field(default_factory=dict)
    props: dict[str, Shape] = field(default_factory=dict)
    items: Shape | None = None
    unit: bool = False


_SHAPES: dict[tuple[Path, str], Shape] = {}


def shape(schemas: SchemaSet, kind: str) -> Shape:
    key = (schemas.directory, kind)
    if key not in _SHAPES:
        _SHAPES[key] = _shape(schemas, schemas.kind(kind), kind, 0)
    return _SHAPES[key]


def _shape(schemas: SchemaSet, schema: dict, doc: str, depth: int) -> Shape:
    schema, doc, ref = schemas.resolve(schema, doc)
    out = Shape(unit=ref == UNIT_REF)
    if depth > 8:
        return out
    for i, (name, sub) in enumerate((schema.get("properties") or {}).items()):
        out.order[name] = i
        out.props[name] = _shape(schemas, sub, doc, depth + 1)
    if isinstance(schema.get("items"), dict):
        out.items = _shape(schemas, schema["items"], doc, depth + 1)
    return out


_EMPTY = Shape()


def _mapping(data: dict, where: Shape, indent: int, out: list[str]) -> None:
    pad = " " * indent
    order = where.order
    keys = sorted(data, key=lambda k: order.get(k, len(order))) if order else list(data)
    for key in keys:
        value = data[key]
        sub = where.props.get(key, _EMPTY)
        if isinstance(value, dict):
            if not value:
                raise NotSimple(key)
            if sub.unit:
                out.append(f"{pad}{key}: {_flow(value, sub)}")
            else:
                out.append(f"{pad}{key}:")
                _mapping(value, sub, indent + 2, out)
        elif isinstance(value, list):
            if not value:
                raise NotSimple(key)
            out.append(f"{pad}{key}:")
            items = sub.items or _EMPTY
            for item in value:
                out.append(f"{pad}  - {_flow(item, items) if isinstance(item, dict) else scalar(item)}")
        else:
            out.append(f"{pad}{key}: {scalar(value)}")


def _flow(data: dict, where: Shape) -> str:
    if any(isinstance(v, (dict, list)) for v in data.values()):
        raise NotSimple("nested")
    order = where.order
    keys = sorted(data, key=lambda k: order.get(k, len(order))) if order else list(data)
    return "{" + ", ".join(f"{k}: {scalar(data[k], flow=True)}" for k in keys) + "}"


def text(kind: str, data: dict, rel: str, schemas: SchemaSet) -> str:
    """The file a new record is written as."""
    try:
        body: list[str] = []
        _mapping(data, shape(schemas, kind), 0, body)
        return records.schema_comment(kind, rel) + "\n".join(body) + "\n"
    except NotSimple:
        slow = records.to_yaml(kind, data, rel, schemas)
        return fmt.format_text(slow, data, kind, schemas.directory)


# ---- changing an existing record, keeping its comments ------------------------------------------------

DELETE = object()


def changed_text(old_text: str, old_data: dict, changes: dict[str, Any], kind: str, schema_dir: Path) -> str:
    """The record's text with top-level fields set (or removed, with DELETE); nested mappings are changed key by
    key so that comments inside them stay. Everything else is as `ocop fmt` writes it."""
    data = copy.deepcopy(old_data)
    tree = fmt._yaml().load(old_text)
    for key, value in changes.items():
        if value is DELETE:
            data.pop(key, None)
            tree.pop(key, None)
        else:
            data[key] = copy.deepcopy(value)
            tree[key] = _merge(tree.get(key), value)
    schemas = load_schemas(schema_dir)
    tree = fmt.canonical(tree, data, schemas[kind], schemas, kind)
    out = io.StringIO()
    fmt._yaml().dump(tree, out)
    return out.getvalue()


def _merge(node: Any, value: Any) -> Any:
    if isinstance(value, dict):
        target = node if isinstance(node, CommentedMap) else CommentedMap()
        for key in [k for k in target if k not in value]:
            del target[key]
        for key, item in value.items():
            target[key] = _merge(target.get(key), item)
        if {"level", "code", "version"} <= value.keys():
            target.fa.set_flow_style()
        return target
    if isinstance(value, list):
        seq = CommentedSeq(_merge(None, item) for item in value)
        return seq
    return value
