"""Scoped cross-record checking: validating a few files indexes only their neighbourhood, and must report
exactly what a full run reports for those files, on every rule fixture and hostile case."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
import unicodedata
from pathlib import Path

import pytest

from acceptance.hostile.corpus import CASE_DIRS as HOSTILE_CASES
from acceptance.hostile.corpus import digest, expect_of, git, prepare
from ocop.check import pipeline as validate_module
from ocop.check.pipeline import validate
from ocop.check.scope import Graph, links_of, neighbourhood
from ocop.config import RunConfig
from ocop.devtools.synth import synth
from ocop.model.layout import shown
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


def test_a_stored_graph_with_the_changes_laid_over_walks_as_the_nodes_do() -> None:
    """The cache keeps the graph as text (Graph.text); files changed since are left out or laid over."""
    nodes = {"a": ("ct-1", ()), "b": ("sp-1", ("ct-1",)), "c": ("cn-1", ("sp-1", "qd-1")), "d": ("qd-1", ()),
             "e": ("cn-2", ("sp-9",)), "f": ("sp-1", ()), "o\0dd": ("cn-\0", ("sp-1", "x\0y"))}
    stored = marshal.loads(marshal.dumps(Graph.text(nodes)))
    assert stored["odd"] == {"o\0dd": nodes["o\0dd"]}  # a text holding the separator is kept as it is
    gone = {"a", "e"}  # deleted, and edited (below)
    changed = {"e": ("cn-2", ("sp-1",)), "g": ("ct-1", ("qd-1",))}
    now = {rel: node for rel, node in nodes.items() if rel not in gone} | changed
    graph = Graph(stored, gone, changed)
    assert {rel: graph.node(rel) for rel in graph.files()} == now and "a" not in graph and "g" in graph
    for seed in [*now, "a"]:
        for radius in (1, 2, 3):
            assert neighbourhood(graph, [seed], radius) == neighbourhood(now, [seed], radius), (seed, radius)
    assert neighbourhood(Graph(stored), ["a"], 1) == {"a", "b"}  # without the changes: as stored


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


BAD_NAMES = {  # one of each name the layout refuses; git quoted all but the space, and 0xFF is not UTF-8
    "vietnamese": "registry/hai-phong/products/sp-hải-phòng-0099.yaml",
    "nfd": unicodedata.normalize("NFD", "registry/hai-phong/products/sp-hải-phòng-0098.yaml"),
    "space": "registry/hai-phong/products/sp-hai-phong 0097.yaml",
    "capitals": "registry/Hai-Phong/products/sp-hai-phong-0096.yaml",
    "newline": "registry/hai-phong/products/sp-hai-phong\n-0095.yaml",
    "cyrillic": "registry/hai-phong/products/sp-hai-ph\u043eng-0094.yaml",
    "non-utf8": os.fsdecode(b"registry/hai-phong/products/sp-hai-phong-\xff.yaml"),
    "media": "registry/hai-phong/media/Ảnh 1.JPG",
}


@pytest.mark.parametrize("rel", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_pull_request_check_reports_what_a_full_run_reports_for_a_misnamed_file(tmp_path: Path, rel: str) -> None:
    """`--changed-since` used to miss every name git quoted (the scoped run passed a file the full run refused)
    and crashed on a name that is not UTF-8."""
    root = committed_tree(tmp_path)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes((root / "registry/hai-phong/products/sp-hai-phong-0001.yaml").read_bytes())
    today = dt.date.fromisoformat(TODAY)
    full = validate(RunConfig(root, today=today, use_cache=False))
    pr = validate(RunConfig(root, changed_since="base", today=today, use_cache=False))
    about_it = [f.to_dict() for f in full.findings if f.file == shown(rel)]
    assert [f["rule"] for f in about_it] == ["LAYOUT-NAME"]
    assert [f.to_dict() for f in pr.findings] == about_it
    assert pr.failed
    assert_same_both_ways(root, [rel], TODAY)


def test_pull_request_check_reports_a_folder_it_fills_past_the_limit(tmp_path: Path) -> None:
    """LAYOUT-FOLDER-SIZE names the folder, not a file: a change that adds files to it must see it."""
    root = committed_tree(tmp_path)
    folder = root / "registry/hai-phong/products"
    text = (folder / "sp-hai-phong-0001.yaml").read_text("utf-8")
    for i in range(2, 1002):
        (folder / f"sp-hai-phong-{i:04d}.yaml").write_text(text.replace("sp-hai-phong-0001", f"sp-hai-phong-{i:04d}"),
                                                           "utf-8")
    pr = validate(RunConfig(root, changed_since="base", today=dt.date.fromisoformat(TODAY)))
    assert ("LAYOUT-FOLDER-SIZE", "registry/hai-phong/products/") in {(f.rule, f.file) for f in pr.findings}
    assert pr.failed


def test_history_still_judges_a_change_that_holds_a_name_git_cannot_decode(tmp_path: Path) -> None:
    """A committed file named with a byte that is not UTF-8 made the history rules fail to decode `git diff`:
    HISTORY-BASE instead of the edited decision (and the scoped run dropped HISTORY-BASE, at ".")."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "rules" / "valid", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "tag", "base")
    decision = root / "registry/hai-phong/decisions/2024/qd-hai-phong-2024-002.yaml"
    decision.write_text(decision.read_text("utf-8").replace("4011/QĐ-UBND", "4012/QĐ-UBND"), "utf-8")
    (root / os.fsdecode(b"registry/hai-phong/products/x-\xff.yaml")).write_text("id: x\n", "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "change")  # as a pull request: the name is in `git diff BASE`
    pr = validate(RunConfig(root, changed_since="base", base_ref="base", today=dt.date.fromisoformat(TODAY)))
    rules = {(f.rule, f.file) for f in pr.findings}
    assert ("HISTORY-EDIT", "registry/hai-phong/decisions/2024/qd-hai-phong-2024-002.yaml") in rules
    assert ("LAYOUT-NAME", "registry/hai-phong/products/x-\\xff.yaml") in rules


def test_pull_request_check_reports_a_base_it_cannot_read(tmp_path: Path) -> None:
    """HISTORY-BASE is about the whole tree ("."): a scoped run must not drop it as touching no changed file."""
    root = committed_tree(tmp_path)
    edit = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    edit.write_text(edit.read_text("utf-8") + "# sửa\n", "utf-8")
    pr = validate(RunConfig(root, changed_since="base", base_ref="khong-co", today=dt.date.fromisoformat(TODAY)))
    assert [(f.rule, f.file) for f in pr.findings] == [("HISTORY-BASE", ".")]
    assert pr.failed
