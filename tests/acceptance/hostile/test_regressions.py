"""Regression tests for crashes the hostile corpus and the fuzzer found in the core."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from ocop.check.pipeline import validate
from ocop.config import RunConfig
from ocop.load import load_document
from ocop_testing import FIXTURES, validate_json


@pytest.mark.parametrize("depth", [50, 30_000, 400_000])
def test_deep_flow_nesting_is_a_finding_not_a_segfault(depth: int) -> None:
    """PyYAML's C composer recursed once per level and overflowed the C stack (~20 000 levels)."""
    raw = ("id: x\nname: " + "[" * depth + "]" * depth + "\n").encode()
    doc = load_document(Path("/nonexistent.yaml"), "x.yaml", raw)
    assert [(f.rule, f.line) for f in doc.findings] == [("YAML-DEPTH", 2)]


def test_deep_block_sequences_on_one_line() -> None:
    raw = ("id: x\nname: " + "- " * 30_000 + "x\n").encode()
    doc = load_document(Path("/nonexistent.yaml"), "x.yaml", raw)
    assert [f.rule for f in doc.findings] in (["YAML-DEPTH"], ["YAML-SYNTAX"])


@pytest.mark.parametrize("raw", [b"id: x\nname: [", b"id: x\nname: {a: 1", b'id: x\nname: "abc'])
def test_end_of_stream_error_stays_inside_a_file_without_final_newline(raw: bytes) -> None:
    """libyaml reported line 3 for a 2-line file (the fuzzer's `truncate`)."""
    doc = load_document(Path("/nonexistent.yaml"), "x.yaml", raw)
    assert [f.rule for f in doc.findings] == ["YAML-SYNTAX"]
    assert doc.findings[0].line <= 2


@pytest.mark.parametrize("value", ["4.75", "3", "true", "chữ", "{a: 1}"])
@pytest.mark.parametrize("key", ["entries", "photos", "members", "failed_mandatory"])
def test_list_fields_of_another_type_do_not_crash_cross_record_checks(
        capsys: pytest.CaptureFixture, tmp_path: Path, key: str, value: str) -> None:
    """`decision.get("entries") or []` iterated a float: TypeError in references, scoring, lifecycle, index."""
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "rules" / "valid", root)
    for rel in ("registry/hai-phong/decisions/2024/qd-hai-phong-2024-002.yaml",
                "registry/hai-phong/evaluations/2024/dg-hai-phong-2024-0002.yaml",
                "registry/hai-phong/products/sp-hai-phong-0001.yaml"):
        path = root / rel
        path.write_text(path.read_text("utf-8") + f"\n{key}: {value}\n" if f"\n{key}:" not in path.read_text("utf-8")
                        else re.sub(rf"\n{key}:[^\n]*(\n  [^\n]*)*", f"\n{key}: {value}", path.read_text("utf-8")), "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    assert code == 1 and any(f["rule"] == "SCHEMA" for f in findings)


@pytest.mark.parametrize("field", ["level", "code", "version"])
@pytest.mark.parametrize("value", ["['a', 1]", "~", "{x: 1}"])
def test_unit_reference_parts_of_another_type(capsys: pytest.CaptureFixture, tmp_path: Path, field: str, value: str) -> None:
    """units.resolve hashed a list (functools.cache): TypeError: unhashable type: 'list' in unitrefs."""
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "rules" / "valid", root)
    path = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    old = {"level": "level: ward", "code": 'code: "10831"', "version": 'version: "2004"'}[field]
    path.write_text(path.read_text("utf-8").replace(old, f"{field}: {value}", 1), "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    assert code == 1 and any(f["rule"] == "SCHEMA" for f in findings)


@pytest.mark.parametrize("value", ["{}", "[a]", "{a: 1}"])
def test_reference_of_another_type_is_not_an_index_key(capsys: pytest.CaptureFixture, tmp_path: Path, value: str) -> None:
    """Registry.index keyed certificates by their `product`: a mapping there raised unhashable type: 'dict'."""
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "rules" / "valid", root)
    for rel, key in (("registry/hai-phong/certificates/2024/cn-hai-phong-2024-0002.yaml", "product"),
                     ("registry/hai-phong/products/sp-hai-phong-0001.yaml", "producer"),
                     ("registry/hai-phong/evaluations/2024/dg-hai-phong-2024-0002.yaml", "product")):
        path = root / rel
        path.write_text(re.sub(rf"^{key}: .*$", f"{key}: {value}", path.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    assert code == 1 and any(f["rule"] == "SCHEMA" for f in findings)


@pytest.mark.parametrize("value", ["chữ", "[1, 2]", "3"])
def test_member_parts_of_another_type(capsys: pytest.CaptureFixture, tmp_path: Path, value: str) -> None:
    """scoring._member_parts called .get on `parts: chữ`: AttributeError in the scoring check."""
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "rules" / "valid", root)
    path = root / "registry/hai-phong/evaluations/2024/dg-hai-phong-2024-0002.yaml"
    path.write_text(path.read_text("utf-8").replace("parts: {A: 30, B: 20, C: 26}", f"parts: {value}"), "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    assert code == 1 and any(f["rule"] == "SCHEMA" for f in findings)


def test_a_huge_value_gives_short_messages(tmp_path: Path) -> None:
    """Rules quote values; a 5,000-digit star once gave messages of 5,000 characters."""
    root = tmp_path / "t"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    cert = root / "registry/hai-phong/certificates/2024/cn-hai-phong-2024-0001.yaml"
    cert.write_text(cert.read_text("utf-8").replace("star: 3", "star: " + "9" * 5000), "utf-8")
    outcome = validate(RunConfig(root, today=dt.date(2026, 11, 23), use_cache=False))
    assert {"SCHEMA", "DECISION-ENTRY"} <= {f.rule for f in outcome.findings}
    assert all(len(f.message) <= 400 and len(f.hint) <= 400 for f in outcome.findings)
