"""Shared test helpers (a plain module, not a conftest: several conftest.py files exist below tests/)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from ocop.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def validate_json(capsys: pytest.CaptureFixture, root: Path, *extra: str) -> tuple[int, list[dict]]:
    code, out, err = run_cli(capsys, "--root", str(root), "validate", "--format", "json", "--no-cache", *extra)
    assert code in (0, 1), err
    return code, json.loads(out)


def tree_digest(root: Path) -> dict[str, str]:
    """Content hash of every file (and link target) below root: validation must not change any."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("build/"):
            continue
        if path.is_symlink():
            out[rel] = "link:" + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def build_case_tree(case_dir: Path, base: Path, dest: Path) -> dict:
    """Copy the base tree, apply the case's overlay and edits; return its expectations.

    The expectations are the case's `findings` (see tests/fixtures/rules/README.md); `file` is also set,
    to the first expected finding's file, for callers that look at one file of the case.
    """
    shutil.copytree(base, dest, symlinks=True)
    expect = yaml.safe_load((case_dir / "expect.yaml").read_text("utf-8"))
    overlay = case_dir / "overlay"
    if overlay.is_dir():
        shutil.copytree(overlay, dest, dirs_exist_ok=True)
    for rel in expect.get("remove", []):
        (dest / rel).unlink()
    for rel, (old, new) in expect.get("replace", {}).items():
        path = dest / rel
        path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    if "symlink" in expect:
        link = dest / expect["symlink"]["path"]
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(expect["symlink"]["target"])
    if "copies" in expect:
        source = dest / expect["copies"]["source"]
        text = source.read_text("utf-8")
        stem = source.stem
        for i in range(expect["copies"]["count"]):
            new_id = f"{stem[:-4]}{5000 + i:04d}" if i < 4999 else f"{stem}-{i}"
            (source.parent / f"{new_id}.yaml").write_text(text.replace(stem, new_id), "utf-8")
    if "file" not in expect and expect.get("findings"):
        expect["file"] = expect["findings"][0]["file"]
    return expect
