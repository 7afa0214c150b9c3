"""`ocop validate --base REF`: issued decisions and certificates are append-only (temp git repositories)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ocop_testing import FIXTURES, run_cli, validate_json

RULES = FIXTURES / "rules" / "valid"
CERT = "registry/hai-phong/certificates/2024/cn-hai-phong-2024-0002.yaml"
DECISION = "registry/hai-phong/decisions/2024/qd-hai-phong-2024-002.yaml"
PRODUCT = "registry/hai-phong/products/sp-hai-phong-0007.yaml"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Kiểm thử", "-c", "user.email=test@example.invalid",
                           "-c", "commit.gpgsign=false", *args],
                          cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(RULES, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "tag", "base")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def history(capsys: pytest.CaptureFixture, root: Path, commit: bool = True) -> tuple[int, list[dict]]:
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "change")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23", "--base", "base")
    return code, [f for f in findings if f["rule"].startswith("HISTORY-")]


def test_unchanged_and_appended_records_are_clean(capsys: pytest.CaptureFixture, repo: Path) -> None:
    code, findings = validate_json(capsys, repo, "--today", "2026-11-23", "--base", "base")
    assert (code, findings) == (0, [])
    # Writing out the default dates is not an edit; a new note is not a protected field.
    edit(repo, CERT, "star: 4", 'star: 4\nvalid_from: "2024-10-10"\nvalid_to: "2027-10-10"\nnote: Đã nhận bản gốc.')
    code, findings = history(capsys, repo)
    assert (code, findings) == (0, [])


def test_editing_a_certificate_star_is_an_error(capsys: pytest.CaptureFixture, repo: Path) -> None:
    edit(repo, CERT, 'score: 75.25', 'score: 75.5')
    code, findings = history(capsys, repo)
    assert code == 1
    assert [(f["rule"], f["file"], f["line"], f["column"]) for f in findings] == [("HISTORY-EDIT", CERT, 8, 8)]
    assert "score" in findings[0]["message"] and "75.25" in findings[0]["message"]


def test_editing_a_decision_number_and_entries(capsys: pytest.CaptureFixture, repo: Path) -> None:
    edit(repo, DECISION, "number: 4011/QĐ-UBND", "number: 4012/QĐ-UBND")
    edit(repo, DECISION, "action: re_recognition", "action: upgrade")
    code, findings = history(capsys, repo, commit=False)  # uncommitted work counts too
    assert code == 1
    assert [(f["rule"], f["line"]) for f in findings] == [("HISTORY-EDIT", 5), ("HISTORY-EDIT", 17)]


def test_changing_the_effective_end_date_is_an_edit(capsys: pytest.CaptureFixture, repo: Path) -> None:
    edit(repo, CERT, "star: 4", 'star: 4\nvalid_to: "2027-12-31"')
    _, findings = history(capsys, repo)
    assert [(f["rule"], f["line"]) for f in findings] == [("HISTORY-EDIT", 7)]
    assert "2027-10-10" in findings[0]["message"]


def test_deleting_an_issued_certificate(capsys: pytest.CaptureFixture, repo: Path) -> None:
    git(repo, "rm", "-q", "registry/hai-phong/certificates/2025/cn-hai-phong-2025-0002.yaml")
    code, findings = history(capsys, repo)
    assert code == 1
    assert [(f["rule"], f["file"], f["line"]) for f in findings] == [
        ("HISTORY-DELETE", "registry/hai-phong/certificates/2025/cn-hai-phong-2025-0002.yaml", 1)]


def test_moving_a_record_to_another_province(capsys: pytest.CaptureFixture, repo: Path) -> None:
    target = repo / "registry/ha-noi/products/sp-hai-phong-0007.yaml"
    target.parent.mkdir(parents=True)
    git(repo, "mv", PRODUCT, str(target.relative_to(repo)))
    code, findings = history(capsys, repo)
    assert code == 1
    assert [(f["rule"], f["file"], f["line"], f["column"]) for f in findings] == [
        ("HISTORY-MOVE", "registry/ha-noi/products/sp-hai-phong-0007.yaml", 2, 11)]


def test_unknown_base_ref(capsys: pytest.CaptureFixture, repo: Path) -> None:
    code, findings = validate_json(capsys, repo, "--today", "2026-11-23", "--base", "khong-co")
    assert code == 1 and [f["rule"] for f in findings] == ["HISTORY-BASE"]


def test_expiry_changed_since_limits_to_touched_provinces(capsys: pytest.CaptureFixture, repo: Path) -> None:
    args = ["--root", str(repo), "expiry", "--today", "2026-11-23", "--format", "json", "--changed-since", "base"]
    code, out, _ = run_cli(capsys, *args)
    assert code == 0 and json.loads(out) == []
    edit(repo, PRODUCT, "description:", "note: Cập nhật mô tả.\ndescription:")
    code, out, _ = run_cli(capsys, *args)
    assert [r["certificate"] for r in json.loads(out)] == ["cn-hai-phong-2023-0001", "cn-hai-phong-2023-0002"]


def test_editing_an_issued_evaluation_is_an_error(capsys: pytest.CaptureFixture, repo: Path) -> None:
    evaluation = next(p for p in sorted((repo / "registry").rglob("evaluations/*/*.yaml")))
    rel = evaluation.relative_to(repo).as_posix()
    text = evaluation.read_text("utf-8")
    assert "total:" in text
    evaluation.write_text(text.replace("total:", "note: sửa lại\ntotal:", 1), "utf-8")
    code, findings = history(capsys, repo)
    assert (code, findings) == (0, [])  # a note is not a protected field
    date_line = next(line for line in text.splitlines() if line.startswith("date:"))
    evaluation.write_text(text.replace(date_line, 'date: "2020-01-01"', 1), "utf-8")
    code, findings = history(capsys, repo)
    assert code == 1
    assert [(f["rule"], f["file"]) for f in findings] == [("HISTORY-EDIT", rel)]
