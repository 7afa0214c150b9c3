"""Every rule case (tests/fixtures/*/cases/<CASE>/) yields exactly the findings its expect.yaml lists, and the
positive base trees yield none.

A case fails on a missing finding and on an extra one: (rule, file, line, column, severity) are compared as a
multiset. It also fails on another exit code, or when validation changed a file of the tree. The expect.yaml
format is described in tests/fixtures/rules/README.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ocop_testing import FIXTURES, build_case_tree, tree_digest, validate_json

TODAY = "2026-11-23"
KEYS = ("rule", "file", "line", "column", "severity")
CASE_ROOTS = sorted(p for p in FIXTURES.glob("*/cases") if (p.parent / "valid").is_dir())
CASES = [case for root in CASE_ROOTS for case in sorted(root.iterdir()) if case.is_dir()]


@pytest.mark.parametrize("base", [root.parent / "valid" for root in CASE_ROOTS], ids=lambda p: p.parent.name)
def test_valid_base_tree_is_clean(capsys: pytest.CaptureFixture, base: Path) -> None:
    code, findings = validate_json(capsys, base, "--today", TODAY)
    assert findings == []
    assert code == 0


def difference(expected: list[dict], actual: list[dict]) -> tuple[list[tuple], list[tuple]]:
    """(missing, extra): expected findings not reported, and reported findings not expected, as key tuples."""
    want = Counter(tuple(f[k] for k in KEYS) for f in expected)
    got = Counter(tuple(f[k] for k in KEYS) for f in actual)
    return sorted((want - got).elements()), sorted((got - want).elements())


def test_difference_counts_repeats() -> None:
    a = {"rule": "AUTH-LEVEL", "file": "x.yaml", "line": 17, "column": 77, "severity": "error"}
    b = {**a, "line": 18}
    assert difference([a, b], [a, b]) == ([], [])
    assert difference([a, a], [a]) == ([tuple(a.values())], [])
    assert difference([a], [a, {**a, "message": "…"}]) == ([], [tuple(a.values())])
    assert difference([a], [{**a, "severity": "warning"}]) == ([tuple(a.values())], [(*tuple(a.values())[:4], "warning")])


def inputs_digest(root: Path) -> dict[str, str]:
    """Every file validation reads; git's own files (its index is refreshed by `git diff`) are not inputs."""
    return {rel: h for rel, h in tree_digest(root).items() if not rel.startswith(".git/")}


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_rule_case(capsys: pytest.CaptureFixture, tmp_path: Path, case_dir: Path) -> None:
    root = tmp_path / "tree"
    expect = build_case_tree(case_dir, case_dir.parent.parent / "valid", root)
    before = inputs_digest(root)
    code, findings = validate_json(capsys, root, "--today", str(expect.get("today", TODAY)))
    for f in findings:
        assert f["message"] and f["line"] >= 1 and f["column"] >= 1, f
    missing, extra = difference(expect["findings"], findings)
    shown = "\n".join(f"  {f['rule']} {f['file']}:{f['line']}:{f['column']} {f['message']}" for f in findings)
    assert (missing, extra) == ([], []), f"missing {missing}\nextra {extra}\nreported:\n{shown}"
    assert code == expect["exit"], shown
    assert inputs_digest(root) == before, "validation modified a file"
