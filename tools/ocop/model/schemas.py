"""A walkable view of the JSON Schemas: properties with $ref resolved, titles, enums and their labels."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocop.model import labels

# Properties a person never types: the tool fills them (id, folder) or they are for sample data only.
MANAGED = ("$schema", "id", "province", "sample")
# Reference fields: the property name → the kind of record it names.
REFERENCES = {"producer": "producer", "product": "product", "decision": "decision", "evaluation": "evaluation",
              "supersedes": "certificate", "certificate": "certificate"}
UNIT_REF = "common.schema.json#/$defs/unit"

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"


def schema_dir(root: Path | None = None) -> Path:
    local = root / "schemas" if root else None
    return local if local and local.is_dir() else SCHEMA_DIR


@functools.cache
def load_schemas(directory: Path) -> dict[str, dict]:
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text("utf-8"))
            for p in sorted(directory.glob("*.schema.json"))}


def schema_uri(name: str, schema: dict) -> str:
    """The URI a schema is known by: its absolute `$id` (the published copy's URL), which its relative
    `$ref`s resolve against, so every copy is registered locally under it and nothing is fetched."""
    own = schema.get("$id")
    return own if isinstance(own, str) and own else f"{name}.schema.json"


@dataclass(frozen=True)
class Prop:
    key: str
    path: tuple[str, ...]
    schema: dict  # resolved: the $ref target merged under the property's own title/description
    required: bool
    ref: str = ""  # the $ref the property used, if any (units and addresses get special widgets)
    doc: str = ""  # the schema file that '#/...' references inside `schema` are relative to

    @property
    def title(self) -> str:
        return str(self.schema.get("title") or self.key)

    @property
    def description(self) -> str:
        return str(self.schema.get("description") or "")

    @property
    def type(self) -> str:
        kind = self.schema.get("type")
        if kind is None and "enum" in self.schema:
            return "string"
        return kind if isinstance(kind, str) else ""

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


class SchemaSet:
    """The schemas of a registry root (its own schemas/ folder, else the package's)."""

    def __init__(self, root: Path | None = None) -> None:
        self.directory = schema_dir(root)
        self.schemas = load_schemas(self.directory)

    def kind(self, kind: str) -> dict:
        return self.schemas[kind]

    def lookup(self, ref: str, doc: str) -> tuple[dict, str]:
        """The schema a $ref points at, and the file it lives in."""
        file, _, pointer = ref.partition("#")
        target_doc = file.removesuffix(".schema.json") if file else doc
        node: Any = self.schemas[target_doc]
        for part in [p for p in pointer.split("/") if p]:
            node = node[part]
        return node, target_doc

    def resolve(self, schema: dict, doc: str) -> tuple[dict, str, str]:
        """(merged schema, its document, the $ref used): local title/description win over the target's."""
        if "$ref" not in schema:
            return schema, doc, ""
        target, target_doc = self.lookup(schema["$ref"], doc)
        target, target_doc, _ = self.resolve(target, target_doc)
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return merged, target_doc, schema["$ref"]

    def props(self, schema: dict, doc: str, path: tuple[str, ...] = ()) -> Iterator[Prop]:
        """The object's properties in schema order, each resolved."""
        required = set(schema.get("required", []))
        for key, sub in (schema.get("properties") or {}).items():
            resolved, sub_doc, ref = self.resolve(sub, doc)
            yield Prop(key, (*path, key), resolved, key in required, ref, sub_doc)

    def top(self, kind: str) -> list[Prop]:
        return list(self.props(self.kind(kind), kind))

    def items(self, prop: Prop) -> tuple[dict, str]:
        items = prop.schema.get("items") or {}
        resolved, doc, _ = self.resolve(items, prop.doc)
        return resolved, doc


def enum_values(schema: dict) -> list[Any]:
    return list(schema.get("enum") or [])


_LABEL_IN_TEXT = re.compile(r"([A-Za-z0-9_/]+) \(([^()]+)\)")


def enum_labels(schema: dict) -> dict[Any, str]:
    """Vietnamese labels of an enum: x-enum-titles, else 'code (label)' pairs in the description, else the site's."""
    values = enum_values(schema)
    titles = schema.get("x-enum-titles")
    if isinstance(titles, list) and len(titles) == len(values):
        return dict(zip(values, titles, strict=True))
    from_text = {m.group(1): m.group(2) for m in _LABEL_IN_TEXT.finditer(str(schema.get("description") or ""))}
    fallback = _site_labels()
    return {v: from_text.get(str(v)) or fallback.get(str(v)) or str(v) for v in values}


def _site_labels() -> dict[str, str]:
    """The site's code labels, for enums whose schema carries none (e.g. product groups)."""
    merged: dict[str, str] = {}
    for name in ("GROUPS", "PRODUCER_TYPES", "CHANNEL_TYPES", "ENTRY_ACTIONS", "GROUNDS", "DECISION_TYPES",
                 "ISSUER_LEVELS", "IP_TYPES"):
        merged.update(getattr(labels, name, {}))
    return merged


def choice_label(value: Any, label: str) -> str:
    return label if label == str(value) else f"{label} ({value})"
