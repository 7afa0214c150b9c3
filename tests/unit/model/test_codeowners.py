"""CODEOWNERS is generated from registry/provinces.yaml and `ocop validate` errors when it is stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ocop.check.pipeline import load_registry
from ocop.model import codeowners
from ocop_testing import FIXTURES, REPO, run_cli, validate_json


def test_committed_codeowners_is_current() -> None:
    registry = load_registry(REPO, use_cache=False)[0]
    assert (REPO / codeowners.PATH).read_text("utf-8") == codeowners.render(registry)


def test_render_lists_every_province_folder() -> None:
    registry = load_registry(FIXTURES / "rules" / "valid", use_cache=False)[0]
    text = codeowners.render(registry)
    assert "/registry/hai-phong/ @ocop-vn/hai-phong\n" in text
    assert "/registry/trung-uong/ @ocop-vn/trung-uong\n" in text
    assert codeowners.COMMAND in text


def test_stale_file_then_regenerate(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "rules" / "valid", root)
    (root / ".github").mkdir()
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    assert code == 1 and [(f["rule"], f["file"], f["line"]) for f in findings] == [
        ("SYNC-CODEOWNERS", ".github/CODEOWNERS", 1)]
    assert codeowners.COMMAND in findings[0]["hint"]
    code, _, _ = run_cli(capsys, "--root", str(root), "codeowners", "--write")
    assert code == 0
    assert validate_json(capsys, root, "--today", "2026-11-23") == (0, [])
    provinces = root / "registry/provinces.yaml"
    provinces.write_text(provinces.read_text("utf-8").replace('"@ocop-vn/hai-phong"', '"@ocop-vn/hai-phong-moi"'),
                         "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    line = next(i for i, text in enumerate(codeowners.render(load_registry(root, use_cache=False)[0]).splitlines(), 1)
                if "hai-phong-moi" in text)
    assert code == 1 and [(f["rule"], f["line"]) for f in findings] == [("SYNC-CODEOWNERS", line)]


def test_shipped_registry_is_clean_under_the_ocop_rules(capsys: pytest.CaptureFixture) -> None:
    _code, findings = validate_json(capsys, REPO, "--today", "2026-11-23")
    ours = [f for f in findings if f["rule"].split("-")[0] in ("SCORE", "CERT", "AUTH", "LIFECYCLE", "HISTORY", "SYNC")
            or f["rule"] == "DECISION-FUTURE"]
    assert [f for f in ours if f["severity"] == "error"] == []
