"""Every rule against its negative fixture (tests/fixtures/*/cases/<RULE>/) and the positive base tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocop_testing import FIXTURES, build_case_tree, tree_digest, validate_json

CASE_ROOTS = sorted(p for p in FIXTURES.glob("*/cases") if (p.parent / "valid").is_dir())
CASES = [case for root in CASE_ROOTS for case in sorted(root.iterdir()) if (case / "expect.yaml").is_file()]


@pytest.mark.parametrize("base", [root.parent / "valid" for root in CASE_ROOTS], ids=lambda p: p.parent.name)
def test_valid_base_tree_is_clean(capsys: pytest.CaptureFixture, base: Path) -> None:
    code, findings = validate_json(capsys, base, "--today", "2026-11-23")
    assert findings == []
    assert code == 0


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_rule_case(capsys: pytest.CaptureFixture, tmp_path: Path, case_dir: Path) -> None:
    root = tmp_path / "tree"
    expect = build_case_tree(case_dir, case_dir.parent.parent / "valid", root)
    before = tree_digest(root)
    code, findings = validate_json(capsys, root, "--today", expect.get("today", "2026-11-23"))
    matching = [f for f in findings if f["rule"] == expect["rule"] and f["file"] == expect["file"]]
    assert matching, f"expected {expect['rule']} in {expect['file']}, got {findings}"
    assert expect["line"] in [f["line"] for f in matching], matching
    if "column" in expect:
        assert expect["column"] in [f["column"] for f in matching]
    if expect.get("exit") is not None:
        assert code == expect["exit"], findings
    for f in findings:
        assert f["message"] and f["line"] >= 1 and f["column"] >= 1
    assert tree_digest(root) == before, "validation modified a file"
