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
    digests = incremental.FileDigests(tmp_path, {})
    digests.prime()
    assert digests("registry/pipe.yaml") == "-" and digests("registry/a.yaml") != "-"
