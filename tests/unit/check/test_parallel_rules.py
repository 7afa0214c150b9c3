"""In a large registry one cross-record family runs in a forked child beside the others: the findings are
the same, in the same order, as when every family runs in one process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ocop.check import pipeline
from ocop.config import RunConfig
from ocop_testing import FIXTURES, build_case_tree

CASES = [case for root in sorted(FIXTURES.glob("*/cases")) for case in sorted(root.iterdir())
         if case.name.startswith(("REF-", "CERT-", "LIFECYCLE-SUPERSEDE", "SCORE-TOTAL", "DECISION-ENTRY"))
         and not case.name.endswith("-chain")  # a case that finds nothing
         and (case / "expect.yaml").is_file() and (root.parent / "valid").is_dir()]


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_the_family_run_beside_gives_the_same_findings(tmp_path: Path, case_dir: Path, monkeypatch) -> None:
    root = tmp_path / "tree"
    build_case_tree(case_dir, case_dir.parent.parent / "valid", root)
    config = RunConfig(root, today=dt.date(2026, 11, 23), use_cache=False)
    alone = [f.to_dict() for f in pipeline.validate(config).findings]
    forks = []
    real_fork = pipeline.os.fork
    monkeypatch.setattr(pipeline.os, "fork", lambda: forks.append(1) or real_fork())
    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD", 1)
    beside = [f.to_dict() for f in pipeline.validate(config).findings]
    assert forks and beside == alone
    assert any(f["rule"].startswith(case_dir.name.split("-")[0]) for f in alone)  # the case finds something


def test_a_failing_child_is_replaced_by_running_the_family_here(tmp_path: Path, monkeypatch) -> None:
    case = next(c for c in CASES if c.name == "REF-MISSING")
    root = tmp_path / "tree"
    build_case_tree(case, case.parent.parent / "valid", root)
    config = RunConfig(root, today=dt.date(2026, 11, 23), use_cache=False)
    alone = [f.to_dict() for f in pipeline.validate(config).findings]
    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD", 1)
    parent, run = pipeline.os.getpid(), pipeline.checks.run_cross_record

    def failing_in_the_child(*args, **kwargs):
        if pipeline.os.getpid() != parent:
            raise RuntimeError("the child fails")
        return run(*args, **kwargs)

    monkeypatch.setattr(pipeline.checks, "run_cross_record", failing_in_the_child)
    forks = []
    real_fork = pipeline.os.fork
    monkeypatch.setattr(pipeline.os, "fork", lambda: forks.append(1) or real_fork())
    assert [f.to_dict() for f in pipeline.validate(config).findings] == alone
    assert forks and any(f["rule"] == "REF-MISSING" for f in alone)
