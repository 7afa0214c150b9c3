"""jsonschema-rs decides validity for speed; the reference implementation must agree on every fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocop.check import schema as schema_check
from ocop.load import load_document
from ocop.model.layout import classify
from ocop.model.schemas import SCHEMA_DIR, load_schemas
from ocop_testing import FIXTURES, REPO

SCHEMAS = SCHEMA_DIR


def record_files() -> list[tuple[Path, str]]:
    out = []
    for base in (REPO, *FIXTURES.rglob("overlay"), *FIXTURES.glob("*/valid")):
        for path in sorted(base.glob("registry/**/*.yaml")) + sorted(base.glob("plans/*.yaml")):
            kind = classify(path.relative_to(base).as_posix()).kind
            if kind:
                out.append((path, kind))
    return out


@pytest.mark.parametrize(("path", "kind"), record_files(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_fast_and_reference_validators_agree(path: Path, kind: str) -> None:
    doc = load_document(path, path.name)
    if not isinstance(doc.data, dict) or kind not in load_schemas(SCHEMAS):
        pytest.skip("not a loadable record")
    fast = schema_check.fast_validator(SCHEMAS, kind).is_valid(doc.data)
    reference = schema_check.reference_validator(SCHEMAS, kind).is_valid(doc.data)
    assert fast == reference


def test_every_schema_property_has_vietnamese_title_and_description() -> None:
    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert prop.get("title") and prop.get("description"), f"{path}.{name}"
            for key, value in node.items():
                if key not in ("if", "then", "else"):  # conditions restate fields already described
                    walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    for name, schema in load_schemas(SCHEMAS).items():
        assert schema["$schema"].endswith("2020-12/schema")
        walk(schema, name)
