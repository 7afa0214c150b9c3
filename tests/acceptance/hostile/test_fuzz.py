"""Property tests: whatever the schema accepts, the validator answers with findings, never an exception;
plus a bounded run of the mutation fuzzer (`make fuzz` runs the long one)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from ocop.check import schema as schema_check
from ocop.check.pipeline import validate
from ocop.config import RunConfig
from ocop.devtools import fuzz
from ocop.model.schemas import SCHEMA_DIR, load_schemas
from ocop_testing import FIXTURES, REPO

BASE = FIXTURES / "rules" / "valid"
FOLDERS = {"producer": "registry/hai-phong/producers", "product": "registry/hai-phong/products",
           "decision": "registry/hai-phong/decisions/2024", "certificate": "registry/hai-phong/certificates/2024",
           "evaluation": "registry/hai-phong/evaluations/2024", "plan": "plans"}


def standalone_schema(kind: str) -> dict:
    """The kind's schema with common.schema.json's $defs inlined (hypothesis-jsonschema resolves local refs only)."""
    schemas = load_schemas(SCHEMA_DIR)
    schema = copy.deepcopy(schemas[kind])
    schema["$defs"] = {**copy.deepcopy(schemas["common"].get("$defs", {})), **schema.get("$defs", {})}
    schema.pop("$id", None)
    return json.loads(json.dumps(schema).replace('"common.schema.json#/$defs/', '"#/$defs/'))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prop") / "tree"
    shutil.copytree(BASE, root, ignore=shutil.ignore_patterns("build"))
    validate(RunConfig(root, today=dt.date(2026, 11, 23)))  # warm the per-file cache: each example then parses one file
    return root


def check_instance(root: Path, kind: str, instance: Any) -> None:
    rel = f"{FOLDERS[kind]}/{instance.get('id', 'x') if isinstance(instance, dict) else 'x'}.yaml"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = yaml.safe_dump(instance, allow_unicode=True, sort_keys=False).encode("utf-8")
    path.write_bytes(raw)
    try:
        outcome = validate(RunConfig(root, today=dt.date(2026, 11, 23)))
        assert path.read_bytes() == raw, "validation modified the record"
        problems = fuzz.finding_problems(root, [f.to_dict() for f in outcome.findings])
        assert problems == [], problems
    finally:
        path.unlink()


def strategy_for(schema: dict, defs: dict, depth: int = 0) -> st.SearchStrategy:
    """Objects and arrays are built here; scalars come from hypothesis-jsonschema. (Its own object strategy
    uses a Hypothesis internal, `many.more()`, that the pinned Hypothesis no longer has.) Conditionals
    (allOf/if/then, anyOf) are not steered: instances the schema refuses are checked too, and counted."""
    if "$ref" in schema:  # deferred: plan sections contain blocks that contain sections
        target = defs[schema["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return st.deferred(lambda: strategy_for(merged, defs, depth + 1))
    for key in ("oneOf", "anyOf"):
        if key in schema and "type" not in schema and "properties" not in schema:
            base = {k: v for k, v in schema.items() if k != key}
            return st.one_of([strategy_for({**base, **alt}, defs, depth) for alt in schema[key]])
    if "enum" in schema or "const" in schema:
        return st.sampled_from(schema.get("enum", [schema.get("const")]))
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: strategy_for(v, defs, depth + 1) for k, v in props.items() if k in required},
            optional={k: strategy_for(v, defs, depth + 1) for k, v in props.items() if k not in required})
    if kind == "array":
        items = schema.get("items", {})
        low = schema.get("minItems", 0)
        return st.lists(strategy_for(items, defs, depth + 1), min_size=low,
                        max_size=max(low, min(schema.get("maxItems", 3), 3 if depth < 3 else low)))
    if schema.get("type") == "string" and "pattern" not in schema and "format" not in schema:
        schema = {**schema, "maxLength": min(schema.get("maxLength", 40), 40)}  # long text costs, finds nothing more
    return from_schema({**schema, "$defs": defs})


@pytest.mark.parametrize("kind", list(FOLDERS))
def test_schema_instances_never_crash(tree: Path, kind: str) -> None:
    schema = standalone_schema(kind)
    validator = schema_check.fast_validator(SCHEMA_DIR, kind)
    accepted: list[bool] = []

    @settings(max_examples=50 if kind != "plan" else 25, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy_for(schema, schema["$defs"]))
    def prop(instance: Any) -> None:
        accepted.append(validator.is_valid(instance))
        check_instance(tree, kind, instance)

    prop()
    assert any(accepted), f"no {kind} instance was schema-valid: the strategy needs steering"


ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)


def test_arbitrary_yaml_values_never_crash(tree: Path) -> None:
    """Not even the schema's shape: any YAML value as a record's field, or as the whole record."""

    @settings(max_examples=50, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(["id", "name", "address", "photos", "classification", "x"]), ANY_VALUE)
    def prop(key: str, value: Any) -> None:
        record = yaml.safe_load((BASE / "registry/hai-phong/products/sp-hai-phong-0001.yaml").read_text("utf-8"))
        record[key] = value
        record["id"] = record["id"] if isinstance(record.get("id"), str) else "sp-hai-phong-0099"
        check_instance(tree, "product", record)

    prop()


def test_bounded_mutation_fuzz() -> None:
    """~200 mutated registries in well under a minute: no exception, exit 2, stray line or modified input."""
    log = io.StringIO()
    summary = fuzz.fuzz(REPO, cases=200, seed=20261123, log=log)
    assert summary.cases == 200
    assert summary.failures == [], log.getvalue()
    assert summary.seconds < 60
