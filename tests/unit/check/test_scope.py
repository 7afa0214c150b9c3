"""Scoped cross-record checking: validating a few files indexes only their neighbourhood, and must report
exactly what a full run reports for those files, on every rule fixture and hostile case."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from acceptance.hostile.corpus import CASE_DIRS as HOSTILE_CASES
from acceptance.hostile.corpus import digest, expect_of, git, prepare
from ocop.check import pipeline as validate_module
from ocop.check.pipeline import validate
from ocop.check.scope import links_of, neighbourhood
from ocop.config import RunConfig
from ocop.devtools.synth import synth
from ocop_testing import FIXTURES, build_case_tree

TODAY = "2026-11-23"
RULE_CASES = [case for root in sorted(FIXTURES.glob("*/cases")) for case in sorted(root.iterdir())
              if (case / "expect.yaml").is_file() and (root.parent / "valid").is_dir()]


def test_links_follow_reference_keys_at_any_depth() -> None:
    record = {"id": "qd-x", "product": "sp-1", "entries": [{"product": "sp-2", "certificate": "cn-2"},
                                                            {"certificate": ["not", "text"]}],
              "issuer": {"name": "UBND", "decision": "qd-old"}, "note": "sp-3"}
    assert links_of(record) == ("cn-2", "qd-old", "sp-1", "sp-2")


def test_neighbourhood_follows_references_both_ways_and_shared_ids() -> None:
    nodes = {"a": ("ct-1", ()), "b": ("sp-1", ("ct-1",)), "c": ("cn-1", ("sp-1", "qd-1")), "d": ("qd-1", ()),
             "e": ("cn-2", ("sp-9",)), "f": ("sp-1", ())}
    assert neighbourhood(nodes, ["a"], radius=1) == {"a", "b"}
    assert neighbourhood(nodes, ["a"], radius=2) == {"a", "b", "c", "f"}
    assert neighbourhood(nodes, ["a"], radius=3) == {"a", "b", "c", "d", "f"}
    assert neighbourhood(nodes, ["gone.yaml"]) == set()


def changed_files(before: dict[str, str], root: Path) -> list[str]:
    after = digest(root)
    return sorted(rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel))


def assert_same_both_ways(root: Path, changed: list[str], today: str, base_ref: str | None = None) -> None:
    paths = [str(root / rel) for rel in changed]
    full = validate(RunConfig(root, paths=paths, today=dt.date.fromisoformat(today), base_ref=base_ref, use_cache=False, scoped=False))
    scoped = validate(RunConfig(root, paths=paths, today=dt.date.fromisoformat(today), base_ref=base_ref, use_cache=False))
    assert [f.to_dict() for f in scoped.findings] == [f.to_dict() for f in full.findings]


@pytest.mark.parametrize("case_dir", RULE_CASES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_rule_case_same_findings_scoped(tmp_path: Path, case_dir: Path) -> None:
    base = case_dir.parent.parent / "valid"
    root = tmp_path / "tree"
    expect = build_case_tree(case_dir, base, root)
    changed = changed_files(digest(base), root) or [expect["file"]]  # a case may change only `today`
    assert_same_both_ways(root, changed, expect.get("today", TODAY))


@pytest.mark.parametrize("case_dir", [c for c in HOSTILE_CASES if not expect_of(c).get("measure")],
                         ids=lambda p: p.name)
def test_hostile_case_same_findings_scoped(tmp_path: Path, case_dir: Path) -> None:
    root = tmp_path / "tree"
    expect = prepare(case_dir, root)
    changed = changed_files(digest(FIXTURES / "rules" / "valid"), root)
    assert_same_both_ways(root, changed, expect.get("today", TODAY), "base" if expect.get("git") else None)


def test_one_changed_file_indexes_a_neighbourhood_not_the_registry(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "synth"
    synth(root, products=600)
    indexed: list[int] = []
    real_index = validate_module.Loaded.index

    def counting(self, files):
        indexed.append(len(files))
        return real_index(self, files)

    monkeypatch.setattr(validate_module.Loaded, "index", counting)
    product = sorted((root / "registry" / "ha-noi" / "products").glob("*.yaml"))[3]
    outcome = validate(RunConfig(root, paths=[str(product)], today=dt.date.fromisoformat(TODAY), use_cache=False))
    assert indexed[0] < len(outcome.loaded.files) / 5, (indexed, len(outcome.loaded.files))
    assert_same_both_ways(root, [product.relative_to(root).as_posix()], TODAY)


def committed_tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "tag", "base")
    return root


def test_history_judges_a_moved_record_on_the_whole_tree(tmp_path: Path) -> None:
    """History finds records by their id in today's tree, not by reference: a scoped index would call a
    moved certificate deleted."""
    root = committed_tree(tmp_path)
    old = "registry/hai-phong/certificates/2024/cn-hai-phong-2024-0001.yaml"
    new = old.replace("hai-phong/", "ha-noi/", 1)
    (root / new).parent.mkdir(parents=True)
    git(root, "mv", old, new)
    for paths in ([str(root / old)], [str(root / old), str(root / new)]):
        full = validate(RunConfig(root, paths=paths, base_ref="base", today=dt.date.fromisoformat(TODAY), use_cache=False, scoped=False))
        scoped = validate(RunConfig(root, paths=paths, base_ref="base", today=dt.date.fromisoformat(TODAY), use_cache=False))
        assert [f.to_dict() for f in scoped.findings] == [f.to_dict() for f in full.findings]
        assert "HISTORY-DELETE" not in {f.rule for f in scoped.findings}


def test_deleting_a_record_reports_the_records_that_refer_to_it(tmp_path: Path) -> None:
    root = committed_tree(tmp_path)
    (root / "registry/hai-phong/producers/ct-hai-phong-0001.yaml").unlink()
    outcome = validate(RunConfig(root, changed_since="base", today=dt.date.fromisoformat(TODAY)))
    broken = {(f.rule, f.file) for f in outcome.findings}
    assert ("REF-MISSING", "registry/hai-phong/products/sp-hai-phong-0001.yaml") in broken
    assert outcome.failed
