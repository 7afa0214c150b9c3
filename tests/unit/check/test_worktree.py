"""git's index answers what changed: every file on disk is still found, and git vouches only for what is
unchanged since it hashed it (the blob id it gives is the bytes on disk)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from ocop.check import pipeline
from ocop.check.worktree import Listing, blob_id, start_listing
from ocop.config import RunConfig
from ocop.model.layout import discover
from ocop_testing import FIXTURES, committed_copy, git

PRODUCTS = "registry/hai-phong/products"
PRODUCT = f"{PRODUCTS}/sp-hai-phong-0001.yaml"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_copy(FIXTURES / "core" / "valid", tmp_path / "repo")


def with_more_products(root: Path) -> Path:
    """Three more committed products (copies: these tests list files, they do not validate them)."""
    for n in (2, 3, 4):
        shutil.copy(root / PRODUCT, root / PRODUCTS / f"sp-hai-phong-000{n}.yaml")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "more")
    return root


def listed(root: Path) -> Listing:
    """The listing, held to what walking the disk finds, and to the bytes on disk for each blob id."""
    listing = start_listing(root)()
    stats: dict[str, os.stat_result] = {}
    assert (listing.files, listing.links) == discover(root, stats)
    for rel, hex_id in listing.vouched.items():
        assert blob_id((root / rel).read_bytes()).hex() == hex_id, rel
    assert set(listing.files) == set(listing.vouched) | set(listing.stats)  # each vouched for or stat-ed
    return listing


def edit(root: Path, rel: str) -> None:
    path = root / rel
    path.write_text(path.read_text("utf-8").replace("producer: ct-hai-phong-0001", "producer: ct-hai-phong-9999"), "utf-8")


def test_a_clean_tree_is_vouched_for_by_git(repo: Path) -> None:
    listing = listed(repo)
    assert listing.note is None
    assert PRODUCT in listing.vouched and not listing.stats


@pytest.mark.parametrize("staged", [False, True], ids=["unstaged", "staged"])
def test_an_edit_is_never_vouched_for_with_the_old_content(repo: Path, staged: bool) -> None:
    old = listed(repo).vouched[PRODUCT]
    edit(repo, PRODUCT)
    if staged:
        git(repo, "add", PRODUCT)
    listing = listed(repo)
    assert listing.vouched.get(PRODUCT) != old  # staged: the new blob id; unstaged: stat-ed, not vouched
    assert (PRODUCT in listing.vouched) == staged


def test_untracked_ignored_deleted_and_renamed_files(repo: Path) -> None:
    with_more_products(repo)
    (repo / ".gitignore").write_text("*.bak.yaml\n", "utf-8")
    shutil.copy(repo / PRODUCT, repo / PRODUCTS / "sp-hai-phong-0100.yaml")  # untracked
    shutil.copy(repo / PRODUCT, repo / PRODUCTS / "x.bak.yaml")  # ignored by git, still on disk
    (repo / PRODUCTS / "sp-hai-phong-0002.yaml").unlink()  # deleted, unstaged
    git(repo, "rm", "-q", f"{PRODUCTS}/sp-hai-phong-0003.yaml")  # deleted, staged
    git(repo, "mv", PRODUCT, f"{PRODUCTS}/sp-hai-phong-0101.yaml")  # renamed, staged
    producers = "registry/hai-phong/producers"
    (repo / producers / "ct-hai-phong-0001.yaml").rename(repo / producers / "ct-hai-phong-0100.yaml")  # unstaged
    listing = listed(repo)
    files = set(listing.files)
    assert {f"{PRODUCTS}/sp-hai-phong-0100.yaml", f"{PRODUCTS}/x.bak.yaml", f"{PRODUCTS}/sp-hai-phong-0101.yaml",
            f"{producers}/ct-hai-phong-0100.yaml"} <= files
    assert not {PRODUCT, f"{PRODUCTS}/sp-hai-phong-0002.yaml", f"{PRODUCTS}/sp-hai-phong-0003.yaml",
                f"{producers}/ct-hai-phong-0001.yaml"} & files


def test_links_folders_and_odd_names_where_files_were(repo: Path) -> None:
    with_more_products(repo)
    (repo / PRODUCT).unlink()
    (repo / PRODUCT).symlink_to("/etc/passwd")  # a tracked file replaced by a link
    folder = repo / PRODUCTS / "sp-hai-phong-0002.yaml"
    folder.unlink()
    folder.mkdir()  # … and by a folder holding a file
    (folder / "inside.yaml").write_text("id: x\n", "utf-8")
    (repo / PRODUCTS / os.fsdecode(b"sp-\xff\n.yaml")).write_text("id: y\n", "utf-8")  # git quotes this name without -z
    listing = listed(repo)
    assert PRODUCT in listing.links
    assert f"{PRODUCTS}/sp-hai-phong-0002.yaml/inside.yaml" in listing.files


def test_flags_that_stop_git_looking_are_not_trusted(repo: Path) -> None:
    with_more_products(repo)
    git(repo, "update-index", "--assume-unchanged", PRODUCT)
    edit(repo, PRODUCT)  # git diff-files does not look at this file any more
    listing = listed(repo)
    assert PRODUCT not in listing.vouched and PRODUCT in listing.stats
    git(repo, "update-index", "--no-assume-unchanged", PRODUCT)
    git(repo, "update-index", "--skip-worktree", f"{PRODUCTS}/sp-hai-phong-0002.yaml")
    assert f"{PRODUCTS}/sp-hai-phong-0002.yaml" not in listed(repo).vouched


def test_without_git_every_file_is_stat_ed_and_the_officer_is_told_why(repo: Path, monkeypatch) -> None:
    plain = listed(repo)
    monkeypatch.setenv("PATH", str(repo / "no-such-folder"))  # git is not installed
    listing = listed(repo)
    assert "git" in (listing.note or "") and not listing.vouched
    assert listing.files == plain.files
    monkeypatch.undo()
    (repo / ".git" / "index").write_bytes(b"DIRC\0\0\0\2garbage")  # an index git cannot read
    damaged = listed(repo)
    assert "git thất bại" in (damaged.note or "") and not damaged.vouched
    shutil.rmtree(repo / ".git")  # not a git work tree: stat-ing is the normal way, nothing to tell
    assert listed(repo).note is None


def test_validation_sees_every_kind_of_change_through_a_warm_cache(repo: Path, capsys) -> None:
    first = pipeline.validate(RunConfig(repo, today=TODAY))
    assert not first.failed
    edit(repo, PRODUCT)  # unstaged
    assert "REF-MISSING" in {f.rule for f in pipeline.validate(RunConfig(repo, today=TODAY)).findings}
    git(repo, "add", PRODUCT)  # staged: git now vouches for the edited content
    assert "REF-MISSING" in {f.rule for f in pipeline.validate(RunConfig(repo, today=TODAY)).findings}
    git(repo, "checkout", "-q", "HEAD", "--", PRODUCT)
    assert not pipeline.validate(RunConfig(repo, today=TODAY)).failed
    (repo / PRODUCTS / "sp-hai-phong-0100.yaml").write_text("id: [\n", "utf-8")  # untracked
    assert "YAML-SYNTAX" in {f.rule for f in pipeline.validate(RunConfig(repo, today=TODAY)).findings}
    assert capsys.readouterr().err == ""  # git answered every time: nothing to tell


def test_a_fresh_clone_with_a_restored_cache_reads_no_record(repo: Path, tmp_path: Path, monkeypatch) -> None:
    """CI: a new checkout, build/cache restored. git vouches for every file, and its blob ids hit the cache."""
    first = pipeline.validate(RunConfig(repo, today=TODAY))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    shutil.copytree(repo / "build", clone / "build")

    def refused(*args: object) -> None:
        raise AssertionError(f"parsed {args[1]}")

    read = pipeline._read_bounded

    def only_the_province_table(path: str) -> bytes | None:  # read every run: it keys the cache
        assert path.endswith("registry/provinces.yaml"), f"read {path}"
        return read(path)

    monkeypatch.setattr(pipeline, "_read_bounded", only_the_province_table)
    monkeypatch.setattr(pipeline.FileChecker, "check", refused)
    again = pipeline.validate(RunConfig(clone, today=TODAY))
    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in first.findings]
    assert again.files_checked == first.files_checked
