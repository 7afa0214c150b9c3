"""The summary of the files git vouches for (`FileCache.tree`, `pipeline.Vouched`): a run over the same git
index listing takes their verdicts from it and looks up only what git does not vouch for. Whatever changes
beside it, the findings are those of a run without any cache, whole or scoped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ocop.check import cache as cache_module
from ocop.check import pipeline
from ocop.config import RunConfig
from ocop_testing import FIXTURES, committed_copy, git

PRODUCT = "registry/hai-phong/products/sp-hai-phong-0001.yaml"
PRODUCER = "registry/hai-phong/producers/ct-hai-phong-0001.yaml"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_copy(FIXTURES / "core" / "valid", tmp_path / "repo")


def run(root: Path, **options: object) -> pipeline.Outcome:
    return pipeline.validate(RunConfig(root, today=TODAY, **options))


def found(outcome: pipeline.Outcome) -> list[dict]:
    return [f.to_dict() for f in outcome.findings]


def assert_as_uncached(root: Path, selection: list[str]) -> pipeline.Outcome:
    """A cached run (whole, and scoped to the selection) reports what a run without the cache reports."""
    outcome = run(root)
    assert found(outcome) == found(run(root, use_cache=False))
    assert outcome.files_checked == run(root, use_cache=False).files_checked
    paths = [str(root / rel) for rel in selection]
    assert found(run(root, paths=paths)) == found(run(root, paths=paths, use_cache=False, scoped=False))
    return outcome


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")


def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose verdicts are looked up (by stat, blob id or content hash)."""
    looked: list[str] = []
    for name in ("by_stat", "by_blob", "by_digest"):
        method = getattr(cache_module.FileCache, name)
        monkeypatch.setattr(cache_module.FileCache, name,
                            lambda self, rel, key, method=method: looked.append(rel) or method(self, rel, key))
    return looked


def test_a_run_over_the_summarised_index_looks_nothing_up(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = run(repo)
    assert (repo / "build/cache/validate-tree.marshal").is_file()
    looked = lookups(monkeypatch)
    again = run(repo)
    assert looked == [] and again.loaded.verdicts == {}
    assert found(again) == found(first) and again.files_checked == first.files_checked


def test_edits_deletions_and_new_files_beside_the_summary(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo)
    looked = lookups(monkeypatch)
    edit(repo, PRODUCT, "producer: ct-hai-phong-0001", "producer: ct-hai-phong-9999")  # REF-MISSING
    outcome = run(repo)
    assert set(looked) == {PRODUCT}  # the summary answered for every other file
    assert "REF-MISSING" in {f.rule for f in outcome.findings}
    assert outcome.loaded.folder_sizes == run(repo, use_cache=False).loaded.folder_sizes
    assert_as_uncached(repo, [PRODUCT])
    (repo / PRODUCER).unlink()  # its products now refer to nothing
    assert_as_uncached(repo, [PRODUCER, PRODUCT])
    (repo / "registry/hai-phong/products/sp-hai-phong-0100.yaml").write_text("id: [\n", "utf-8")  # untracked
    (repo / "registry/hai-phong/products/Sp-Hải.yaml").write_text("id: x\n", "utf-8")  # misnamed
    outcome = assert_as_uncached(repo, ["registry/hai-phong/products/sp-hai-phong-0100.yaml"])
    assert {"YAML-SYNTAX", "LAYOUT-NAME"} <= {f.rule for f in outcome.findings}
    git(repo, "checkout", "-q", "HEAD", "--", PRODUCER, PRODUCT)  # vouched for again, as summarised
    looked.clear()
    run(repo)
    assert not {PRODUCT, PRODUCER} & set(looked)
    assert_as_uncached(repo, [PRODUCT])


def test_a_file_git_vouches_for_that_the_summary_lacks_is_looked_up(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(repo, PRODUCT, "producer: ct-hai-phong-0001", "producer: ct-hai-phong-9999")
    run(repo)  # the summary leaves out the edited file
    git(repo, "checkout", "-q", "HEAD", "--", PRODUCT)  # same index, and git vouches for it now
    looked = lookups(monkeypatch)
    assert not run(repo).failed and PRODUCT in looked
    assert_as_uncached(repo, [PRODUCT])


def test_a_damaged_summary_or_nodes_file_is_ignored_and_said(repo: Path, capsys: pytest.CaptureFixture) -> None:
    first = found(run(repo))
    folder = repo / "build" / "cache"
    for name in ("validate-tree.marshal", "validate-nodes.marshal"):
        blob = (folder / name).read_bytes()
        (folder / name).write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
        capsys.readouterr()
        edit(repo, PRODUCT, "producer: ct-hai-phong-0001", "producer: ct-hai-phong-9999")
        assert found(run(repo, paths=[str(repo / PRODUCT)])) == found(
            run(repo, paths=[str(repo / PRODUCT)], use_cache=False, scoped=False))
        assert name in capsys.readouterr().err
        git(repo, "checkout", "-q", "HEAD", "--", PRODUCT)
        assert found(run(repo)) == first


def test_other_checking_code_voids_the_summary(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo)
    monkeypatch.setattr(cache_module, "CACHE_VERSION", "other")  # as any change of a verdict source does
    parsed: list[str] = []
    check = pipeline.FileChecker.check
    monkeypatch.setattr(pipeline.FileChecker, "check", lambda self, rel, raw: parsed.append(rel) or check(self, rel, raw))
    outcome = run(repo)
    assert len(parsed) == outcome.files_checked
