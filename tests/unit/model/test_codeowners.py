"""CODEOWNERS is generated from registry/provinces.yaml, gives every file an owner, and `ocop validate` errors
when it is stale or leaves a file without one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from codeowners import CodeOwners

from ocop.check.pipeline import load_registry
from ocop.model import codeowners
from ocop_testing import FIXTURES, REPO, git, run_cli, validate_json


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


# --- every path has an owner, as GitHub reads the file (the `codeowners` package is the reference parser)

NATIONAL = "@ocop-vn/ocop-trung-uong"


def repo_files() -> list[str]:
    run = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True)
    if run.returncode != 0:
        pytest.skip("not a git checkout")
    return [os.fsdecode(p) for p in run.stdout.split(b"\0") if p]


def owners(parser: CodeOwners, path: str) -> list[str]:
    return [owner for _kind, owner in parser.of(path)]


def test_every_tracked_file_of_the_repository_has_an_owner() -> None:
    text = (REPO / codeowners.PATH).read_text("utf-8")
    parser, files = CodeOwners(text), repo_files()
    assert len(files) > 500
    assert [f for f in files if not owners(parser, f)] == []  # 100 % owned
    decide = codeowners.matcher(codeowners.parse(text))
    assert {f: owners(parser, f) for f in files} == {f: list(decide(f).owners) for f in files}


@pytest.mark.parametrize(("path", "owner"), [
    ("registry/provinces.yaml", NATIONAL),
    ("registry/keys/ha-noi.pub", NATIONAL),
    (".github/CODEOWNERS", NATIONAL),
    (".github/workflows/check.yml", NATIONAL),
    ("schemas/product.schema.json", NATIONAL),
    ("tools/ocop/domain/data/criteria/148-2023.yaml", NATIONAL),
    ("tools/ocop/check/pipeline.py", NATIONAL),
    ("pyproject.toml", NATIONAL),
    ("Makefile", NATIONAL),
    ("registry/README.md", NATIONAL),
    ("registry/tinh-moi/products/sp-tinh-moi-0001.yaml", NATIONAL),  # a folder no province owns
    ("registry/ha-noi/products/sp-ha-noi-0001.yaml", "@ocop-vn/ha-noi"),
    ("registry/ha-noi/media/sp-ha-noi-0001.jpg", "@ocop-vn/ha-noi"),
    ("registry/trung-uong/decisions/2025/qd-trung-uong-2025-001.yaml", "@ocop-vn/trung-uong"),
    ("plans/kh-ha-noi-2021-146.yaml", "@ocop-vn/ha-noi"),
    ("plans/kh-hai-phong-2023-hai-duong-1366.yaml", "@ocop-vn/hai-phong"),
    ("plans/README.md", NATIONAL),
])
def test_owner_of_each_kind_of_path(path: str, owner: str) -> None:
    parser = CodeOwners((REPO / codeowners.PATH).read_text("utf-8"))
    assert owners(parser, path) == [owner]


def tree_with(tmp_path: Path, edit: Callable[[str], str]) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "rules" / "valid", root)
    provinces = root / "registry/provinces.yaml"
    provinces.write_text(edit(provinces.read_text("utf-8")), "utf-8")
    return root


def without_national(text: str) -> str:
    return text.replace(f'national_team: "{NATIONAL}"\n', "")


def test_without_a_national_team_the_repository_has_unowned_files(tmp_path: Path) -> None:
    """The negative: CODEOWNERS as it was generated before national_team (province folders only)."""
    registry = load_registry(tree_with(tmp_path, without_national), use_cache=False)[0]
    text = codeowners.render(registry)
    assert "\n* @" not in text
    parser, files = CodeOwners(text), repo_files()
    orphans = [f for f in files if not owners(parser, f)]
    assert {".github/CODEOWNERS", "registry/provinces.yaml", "schemas/product.schema.json",
            "tools/ocop/check/pipeline.py"} <= set(orphans)
    assert codeowners.unowned(codeowners.parse(text), files) == orphans
    assert not codeowners.covers_everything(codeowners.parse(text))


def test_a_longer_slug_owns_its_plans_whatever_the_order(tmp_path: Path) -> None:
    """`/plans/kh-ha-*` also matches kh-ha-noi-…: the longer slug's line must come later."""
    root = tree_with(tmp_path, lambda t: t.replace("provinces:\n", 'provinces:\n  - {slug: ha, code: "99", name: "Tỉnh Hà", team: "@ocop-vn/ha"}\n'))
    parser = CodeOwners(codeowners.render(load_registry(root, use_cache=False)[0]))
    assert owners(parser, "plans/kh-ha-noi-2021-146.yaml") == ["@ocop-vn/ha-noi"]
    assert owners(parser, "plans/kh-ha-2024-001.yaml") == ["@ocop-vn/ha"]


@pytest.mark.parametrize("entry", [
    '{slug: "ha-noi/ @evil/team\\n*", code: "01", name: "x", team: "@ocop-vn/ha-noi"}',
    '{slug: ha-noi, code: "01", name: "x", team: "@ocop-vn/ha-noi @evil/team"}',
    '{slug: ha-noi, code: "01", name: "x", team: "@evil/team\\n* @evil/team"}',
    '{slug: "../..", code: "01", name: "x", team: "@evil/team"}',
    '{slug: ha-noi, code: "01", name: "x", team: "evil@example.com # @evil/team"}',
])
def test_a_hostile_slug_or_team_writes_no_line(tmp_path: Path, entry: str) -> None:
    root = tree_with(tmp_path, lambda t: re.sub(r"  - \{slug: ha-noi,.*\}", lambda _m: f"  - {entry}", t, count=1))
    registry = load_registry(root, use_cache=False)[0]
    text = codeowners.render(registry)
    assert "evil" not in text
    assert [entry.pattern for entry in codeowners.parse(text)][:1] == ["*"]
    assert codeowners.problems(registry)  # and SYNC-CODEOWNERS says why at provinces.yaml


PATTERNS = """\
* @org/all
*.md @org/docs
/docs/ @org/docs-root
logs/ @org/logs
/build/logs/ @org/build
docs/* @org/docs-flat
/a/**/b @org/deep
**/cache @org/cache
/plans/kh-ha-* @org/ha
/plans/kh-ha-noi-* @org/ha-noi
/x\\ y/ @org/space
a?c @org/q
/registry/ha-noi/ @org/ha-noi
/registry/ha-noi/media/
/registry/keys/ @org/national
"""
PATHS = ["README.md", "docs/x.md", "docs/a/b.txt", "src/docs/x.txt", "logs/a", "src/logs/b/c", "build/logs/x",
         "a/b", "a/x/y/b", "a/x/b/c", "x/cache", "cache/y", "plans/kh-ha-2024.yaml", "plans/kh-ha-noi-2021.yaml",
         "plans/kh-hai-phong.yaml", "x y/z", "abc", "a/abc/d", "registry/ha-noi/p.yaml", "registry/ha-noi/media/a.jpg",
         "registry/keys/k.pub", "registry/hai-phong/x.yaml", "docs", "sub/README.md", "a\nb/logs/c"]


def test_matcher_reads_patterns_as_the_codeowners_package_does() -> None:
    parser, decide = CodeOwners(PATTERNS), codeowners.matcher(codeowners.parse(PATTERNS))
    for path in PATHS:
        entry = decide(path)
        assert (list(entry.owners) if entry else []) == owners(parser, path), path
    assert codeowners.unowned(codeowners.parse(PATTERNS), ["registry/ha-noi/media/a.jpg", "x"]) == [
        "registry/ha-noi/media/a.jpg"]  # an ownerless last match unowns


def test_tracked_files_from_git_or_the_tree(tmp_path: Path) -> None:
    root = tmp_path / "t"
    (root / "build" / "cache").mkdir(parents=True)
    (root / "build" / "cache" / "x").write_text("x")
    (root / "registry").mkdir()
    (root / "registry" / "a.yaml").write_text("x")
    (root / "README.md").write_text("x")
    assert codeowners.tracked_files(root) == ["README.md", "registry/a.yaml"]  # no git: the tree, less build/
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("build/\n")
    git(root, "add", "README.md")
    assert codeowners.tracked_files(root) == [".gitignore", "README.md", "registry/a.yaml"]


def test_validate_reports_files_without_an_owner(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    root = tree_with(tmp_path, without_national)
    (root / ".github").mkdir()
    run_cli(capsys, "--root", str(root), "codeowners", "--write")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    assert code == 1
    assert [(f["rule"], f["file"]) for f in findings] == [("SYNC-CODEOWNERS", ".github/CODEOWNERS"),
                                                         ("SYNC-CODEOWNERS", "registry/provinces.yaml")]
    assert "«.github/CODEOWNERS»" in findings[0]["message"] and "national_team" in findings[1]["message"]
    assert findings[0]["related"][0]["file"] == "registry/provinces.yaml"
