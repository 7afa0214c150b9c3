"""In a large registry one cross-record family runs in a forked child beside the others, and the cache is
written from a forked child meanwhile: the findings are the same, in the same order, as in one process.
Checked in a fresh interpreter (fork_probe.py): ocop forks only from a process with one thread, and pytest's
may have more."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ocop_testing import FIXTURES, build_case_tree

PROBE = Path(__file__).with_name("fork_probe.py")
CASES = [case for root in sorted(FIXTURES.glob("*/cases")) for case in sorted(root.iterdir())
         if case.name.startswith(("REF-", "CERT-", "LIFECYCLE-SUPERSEDE", "SCORE-TOTAL", "DECISION-ENTRY"))
         and not case.name.endswith("-chain")  # a case that finds nothing
         and (case / "expect.yaml").is_file() and (root.parent / "valid").is_dir()]


def probe(roots: list[Path], *env: tuple[str, str]) -> list[dict]:
    result = subprocess.run([sys.executable, str(PROBE), *map(str, roots)], capture_output=True, text=True,
                            env={**os.environ, **dict(env)}, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_the_family_run_beside_gives_the_same_findings(tmp_path: Path) -> None:
    roots = []
    for case in CASES:
        roots.append(tmp_path / case.name)
        build_case_tree(case, case.parent.parent / "valid", roots[-1])
    for case, answer in zip(CASES, probe(roots), strict=True):
        assert answer["beside"] == answer["alone"], case.name
        assert any(f["rule"].startswith(case.name.split("-")[0]) for f in answer["alone"]), case.name
        assert answer["ran_here"] == [], case.name  # it ran in the child, and the child's answer was used
        assert answer["saved_in_child"] and not answer["writer_left"], case.name  # and waited for


def test_a_failing_child_is_replaced_by_running_the_family_here(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "REF-MISSING")
    build_case_tree(case, case.parent.parent / "valid", tmp_path / "tree")
    (answer,) = probe([tmp_path / "tree"], ("OCOP_TEST_FAIL_BESIDE", "1"))
    assert answer["beside"] == answer["alone"] and any(f["rule"] == "REF-MISSING" for f in answer["alone"])
    assert answer["ran_here"] == [False]  # the child failed, so the family ran here
