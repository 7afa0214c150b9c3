"""The build manifest (publish/incremental.py) is read back only when every path it names stays in the site:
a rebuild removes and replaces those paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocop.publish import incremental


def test_a_manifest_round_trips(tmp_path: Path) -> None:
    manifest = incremental.Manifest(owned={"san-pham/sp-a": ("sp-a",)}, aggregates=["index.html"],
                                    dumps={"du-lieu/a.zip": "d"})
    manifest.save(tmp_path)
    assert incremental.load(tmp_path) == manifest


@pytest.mark.parametrize("field, value", [
    ("owned", {"../../home": ("x",)}), ("owned", {"/etc": ("x",)}), ("aggregates", ["san-pham/../../x"]),
    ("aggregates", [""]), ("dumps", {"du-lieu\\..\\x": "d"}),
])
def test_a_manifest_naming_a_path_outside_the_site_is_not_read(tmp_path: Path, field: str, value: object) -> None:
    incremental.Manifest(**{field: value}).save(tmp_path)
    assert incremental.load(tmp_path) is None  # a full build, which removes nothing the manifest names


def test_digests_skip_what_is_not_a_regular_file(tmp_path: Path) -> None:
    """A FIFO in the registry would block a read forever: it is not digested (validation names it)."""
    import os

    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "a.yaml").write_text("id: a\n", encoding="utf-8")
    os.mkfifo(tmp_path / "registry" / "pipe.yaml")
    from ocop.check import worktree

    digests = incremental.FileDigests(tmp_path, {})
    digests.prime(worktree.start_listing(tmp_path)())  # no git here: the listing is a walk of the disk
    assert digests("registry/pipe.yaml") == "-" and digests("registry/a.yaml") != "-"


def test_digests_take_what_git_vouches_for_and_read_the_rest(tmp_path: Path) -> None:
    """A committed, unchanged file's digest is its blob id from git's index, unread; an edited or untracked
    file is read; either way the digest is the blob id of the bytes, so a commit changes no digest."""
    import subprocess

    from ocop.check import worktree

    registry = tmp_path / "registry"
    registry.mkdir()
    for name in ("a", "b"):
        (registry / f"{name}.yaml").write_text(f"id: {name}\n", encoding="utf-8")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], cwd=tmp_path, check=True)
    (registry / "b.yaml").write_text("id: b\nname: B\n", encoding="utf-8")  # edited since the commit
    (registry / "c.yaml").write_text("id: c\n", encoding="utf-8")  # untracked
    listing = worktree.start_listing(tmp_path)()
    assert set(listing.vouched) == {"registry/a.yaml"}

    digests = incremental.FileDigests(tmp_path, {})
    read: list[str] = []
    digest_file = digests._digest
    digests._digest = lambda rel, *st: read.append(rel) or digest_file(rel, *st)  # type: ignore[method-assign]
    digests.prime(listing)
    assert sorted(read) == ["registry/b.yaml", "registry/c.yaml"]  # git vouches for a.yaml: not read
    for name in ("a", "b", "c"):
        raw = (registry / f"{name}.yaml").read_bytes()
        assert digests(f"registry/{name}.yaml") == worktree.blob_id(raw).hex()
    assert digests.seen["registry/a.yaml"] == ((), listing.vouched["registry/a.yaml"])
