"""Regression tests for crashes the hostile corpus and the fuzzer found in the core."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocop.load import load_document


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
