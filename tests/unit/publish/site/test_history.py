"""Record history from git: one log pass, PR numbers, field-by-field changes, shallow clones."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ocop.publish.site import generator, history

PRODUCT = "registry/ha-noi/products/sp-ha-noi-0001.yaml"
BODY = """id: sp-ha-noi-0001
province: ha-noi
name: Trà sen Tây Hồ
producer: ct-ha-noi-0001
description: {description}
address:
  street: {street}
  province: {{level: province, code: "01", version: "2025", name: Thành phố Hà Nội}}
"""


def git(root: Path, *args: str, author: str = "Cán bộ A") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_COMMITTER_NAME": author,
           "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_EMAIL": "a@example.com",
           "GIT_AUTHOR_DATE": "2026-03-02T10:00:00+07:00", "GIT_COMMITTER_DATE": "2026-03-02T10:00:00+07:00"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Three main-line changes to one product: created (#4, squash), edited on a merged branch (#9), then
    a direct commit that only reformats; plus a file outside registry/ that must not appear."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, PRODUCT, BODY.format(description="Trà ướp sen.", street="Ngõ 52"))
    write(root, "README.md", "x\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Thêm trà sen (#4)")
    git(root, "checkout", "-q", "-b", "sua")
    write(root, PRODUCT, BODY.format(description="Trà xanh ướp hương sen Bách Diệp.", street="Ngõ 52"))
    git(root, "commit", "-q", "-a", "-m", "Sửa mô tả", author="Cán bộ B")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge pull request #9 from tinh/sua", "sua", author="Trưởng nhóm")
    write(root, PRODUCT, BODY.format(description="Trà xanh ướp hương sen Bách Diệp.", street="Ngõ 52") + "\n")
    write(root, "README.md", "y\n")
    git(root, "commit", "-q", "-a", "-m", "Định dạng")
    return root


def test_changes_newest_first_with_pull_requests_and_field_titles(repo: Path) -> None:
    found = history.collect(repo)
    assert found.available and not found.shallow
    assert set(found.by_path) == {PRODUCT}
    changes = found.of(PRODUCT).changes
    assert [(c.subject, c.pr, c.action) for c in changes] == [
        ("Định dạng", None, "modified"),
        ("Merge pull request #9 from tinh/sua", 9, "modified"),
        ("Thêm trà sen (#4)", 4, "added"),
    ]
    assert changes[0].fields == []  # the bytes changed, no field did
    merged = changes[1]
    assert merged.author == "Trưởng nhóm" and merged.date == "2026-03-02" and len(merged.commit) == 40
    assert [(f.title, f.before, f.after) for f in merged.fields] == [
        ("Mô tả", "Trà ướp sen.", "Trà xanh ướp hương sen Bách Diệp.")]


def test_nested_fields_are_titled_by_their_path(repo: Path) -> None:
    write(repo, PRODUCT, BODY.format(description="Trà xanh ướp hương sen Bách Diệp.", street="Ngõ 54"))
    git(repo, "commit", "-q", "-a", "-m", "Sửa địa chỉ (#11)")
    fields = history.collect(repo).of(PRODUCT).changes[0].fields
    assert [(f.title, f.before, f.after) for f in fields] == [
        ("Địa chỉ sản xuất › Số nhà, đường, thôn", "Ngõ 52", "Ngõ 54")]


def test_pr_number_patterns() -> None:
    assert history.pr_number("Merge pull request #123 from a/b") == 123
    assert history.pr_number("Thêm sản phẩm (#45)") == 45
    assert history.pr_number("Sửa lỗi #45 trong mô tả") is None
    assert history.pr_number("(#45) ở đầu") is None


def test_shallow_clone_is_detected_and_said(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True,
                   capture_output=True)
    found = history.collect(clone)
    assert found.shallow and found.available
    record = found.of(PRODUCT)
    assert [c.action for c in record.changes] == ["added"]  # only what the clone holds
    html = generator.environment().from_string(
        '{% from "macros.html" import history_section %}{{ history_section(h, "") }}').render(h=record)
    assert "bản sao nông" in html and "Lịch sử thay đổi" in html
    full = generator.environment().from_string(
        '{% from "macros.html" import history_section %}{{ history_section(h, "") }}').render(
        h=history.collect(repo).of(PRODUCT))
    assert "bản sao nông" not in full


def test_outside_git_there_is_no_history(tmp_path: Path) -> None:
    write(tmp_path, PRODUCT, BODY.format(description="x", street="y"))
    found = history.collect(tmp_path)
    assert not found.available and found.of(PRODUCT) is None


def test_one_git_log_and_one_cat_file_whatever_the_number_of_files(repo: Path, monkeypatch) -> None:
    for n in range(2, 40):
        write(repo, PRODUCT.replace("0001", f"{n:04d}"), BODY.format(description=f"v{n}", street="a"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Thêm nhiều")
    for n in range(2, 40):
        write(repo, PRODUCT.replace("0001", f"{n:04d}"), BODY.format(description=f"w{n}", street="a"))
    git(repo, "commit", "-q", "-a", "-m", "Sửa nhiều (#20)")
    calls: list[tuple[str, ...]] = []
    real = history.git

    def counting(root: Path, *args: str, data: bytes | None = None) -> bytes:
        calls.append(args)
        return real(root, *args, data=data)

    monkeypatch.setattr(history, "git", counting)
    found = history.collect(repo)
    assert [a[0] for a in calls].count("log") == 1 and [a[0] for a in calls].count("cat-file") == 1
    assert found.of(PRODUCT.replace("0001", "0039")).changes[0].fields[0].after == "w39"
