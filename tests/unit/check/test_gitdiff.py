"""The paths of a change come from git NUL-separated, as they are on disk, whatever bytes they hold."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from ocop.check.gitdiff import Changes, changed_files, parse_name_status, start_changed_files
from ocop_testing import FIXTURES, committed_copy, git

PRODUCTS = "registry/hai-phong/products"
# one name of each kind git quotes or that Python cannot decode as UTF-8
NAMES = {
    "vietnamese": "sp-hải-phòng-0099.yaml",
    "nfd": unicodedata.normalize("NFD", "sp-hải-phòng-0098.yaml"),
    "space": "sp hai phong.yaml",
    "newline": "sp-hai-phong\n.yaml",
    "tab-quote-backslash": 'sp\t"x"\\.yaml',
    "cyrillic": "sp-hai-ph\u043eng-0097.yaml",
    "non-utf8": os.fsdecode(b"sp-hai-phong-\xff.yaml"),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_copy(FIXTURES / "core" / "valid", tmp_path / "repo")


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_a_changed_path_is_the_name_on_disk(repo: Path, name: str) -> None:
    source = repo / PRODUCTS / "sp-hai-phong-0001.yaml"
    (repo / PRODUCTS / name).write_bytes(source.read_bytes())
    on_disk = {f"{PRODUCTS}/{n}" for n in os.listdir(repo / PRODUCTS)} - {f"{PRODUCTS}/sp-hai-phong-0001.yaml"}
    assert changed_files(repo, "HEAD") == on_disk  # untracked
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add")
    assert changed_files(repo, "HEAD~1") == on_disk  # committed


def test_deletions_are_told_apart(repo: Path) -> None:
    product = f"{PRODUCTS}/sp-hai-phong-0001.yaml"
    renamed = f"{PRODUCTS}/{NAMES['non-utf8']}"
    (repo / product).rename(repo / renamed)
    changes = start_changed_files(repo, "HEAD")()
    assert isinstance(changes, Changes)
    assert changes.paths == {product, renamed}
    assert changes.deleted == {product}
    assert changes.base == git(repo, "rev-parse", "HEAD").strip()


def test_parse_name_status() -> None:
    out = b"M\0registry/a.yaml\0D\0registry/b\xff.yaml\0A\0plans/x\ny.yaml\0"
    assert parse_name_status(out) == ({"registry/a.yaml", os.fsdecode(b"registry/b\xff.yaml"), "plans/x\ny.yaml"},
                                      {os.fsdecode(b"registry/b\xff.yaml")})
    assert parse_name_status(b"") == (set(), set())
