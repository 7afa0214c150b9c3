"""`ocop expiry-sync` against a fake `gh` on PATH: create / edit / no-op / close, one issue per province."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from ocop.check.pipeline import load_registry
from ocop.ops import expiry_sync
from ocop_testing import FIXTURES, run_cli

RULES = FIXTURES / "rules" / "valid"
TITLE_HP = "Chứng nhận OCOP hết hạn / sắp hết hạn — Thành phố Hải Phòng"

FAKE_GH = """#!{python}
# Fake gh: records each call (and the --body-file content) and serves canned `gh issue list` output.
import json, os, sys
args = sys.argv[1:]
entry = {{"args": args}}
if "--body-file" in args:
    entry["body"] = open(args[args.index("--body-file") + 1], encoding="utf-8").read()
with open(os.environ["FAKE_GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(entry, ensure_ascii=False) + "\\n")
if args[:2] == ["issue", "list"]:
    sys.stdout.write(open(os.environ["FAKE_GH_ISSUES"], encoding="utf-8").read())
"""


@pytest.fixture
def fake_gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "gh"
    script.write_text(FAKE_GH.format(python=sys.executable), "utf-8")
    script.chmod(0o755)
    log, issues = tmp_path / "calls.jsonl", tmp_path / "issues.json"
    issues.write_text("[]", "utf-8")
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("FAKE_GH_LOG", str(log))
    monkeypatch.setenv("FAKE_GH_ISSUES", str(issues))

    def serve(items: list[dict]) -> None:
        issues.write_text(json.dumps(items, ensure_ascii=False), "utf-8")

    def calls() -> list[dict]:
        return [json.loads(line) for line in log.read_text("utf-8").splitlines()] if log.exists() else []

    return serve, calls


def sync(capsys: pytest.CaptureFixture, root: Path = RULES, today: str = "2026-11-23") -> str:
    code, out, err = run_cli(capsys, "--root", str(root), "expiry-sync", "--today", today)
    assert code == 0, err
    return out


def current_body() -> str:
    registry = load_registry(RULES, use_cache=False)[0]
    import datetime as dt

    rows = expiry_sync.province_rows(registry, dt.date(2026, 11, 23))["hai-phong"]
    sha = expiry_sync.digest(registry, rows)
    return expiry_sync.body(registry, "hai-phong", "Thành phố Hải Phòng", rows, dt.date(2026, 11, 23), sha)


def test_creates_one_issue_per_province_with_findings(capsys, fake_gh) -> None:
    _serve, calls = fake_gh
    out = sync(capsys)
    made = calls()
    assert made[0]["args"][:2] == ["issue", "list"] and "number,title,body" in made[0]["args"]
    assert len(made) == 2
    create = made[1]
    assert create["args"][:4] == ["issue", "create", "--title", TITLE_HP] and "--body-file" in create["args"]
    assert "| `cn-hai-phong-2023-0001` | Bánh gai Ninh Giang | 3★ | 2026-06-01 | đã hết hạn |" in create["body"]
    assert "| `cn-hai-phong-2023-0002` | Chè lam Phú Thái | 3★ | 2026-12-10 | sắp hết hạn |" in create["body"]
    assert expiry_sync.MARKER.search(create["body"]).group(1) == "hai-phong"
    assert "tạo issue mới (hai-phong)" in out


def test_no_op_when_the_hash_is_unchanged(capsys, fake_gh) -> None:
    serve, calls = fake_gh
    serve([{"number": 7, "title": TITLE_HP, "body": current_body()},
           {"number": 3, "title": "Lỗi khác", "body": "không có dấu"}])
    out = sync(capsys)
    assert [c["args"][:2] for c in calls()] == [["issue", "list"]]
    assert "giữ nguyên #7" in out


def test_the_day_count_alone_does_not_edit(capsys, fake_gh) -> None:
    serve, calls = fake_gh
    serve([{"number": 7, "title": TITLE_HP, "body": current_body()}])
    sync(capsys, today="2026-11-24")  # one day later: same certificates, same states
    assert [c["args"][:2] for c in calls()] == [["issue", "list"]]


def test_edits_when_the_findings_change(capsys, fake_gh) -> None:
    serve, calls = fake_gh
    stale = current_body().replace(expiry_sync.MARKER.search(current_body()).group(2), "0" * 64)
    serve([{"number": 7, "title": TITLE_HP, "body": stale}])
    sync(capsys)
    edit = calls()[1]
    assert edit["args"][:5] == ["issue", "edit", "7", "--title", TITLE_HP]
    assert edit["body"] == current_body()


def test_closes_when_the_province_is_clean_and_closes_duplicates(capsys, fake_gh) -> None:
    serve, calls = fake_gh
    marker = "<!-- ocop-expiry:ha-noi:" + "1" * 64 + " -->"
    serve([{"number": 9, "title": "Chứng nhận OCOP hết hạn / sắp hết hạn — Thành phố Hà Nội", "body": marker},
           {"number": 7, "title": TITLE_HP, "body": current_body()},
           {"number": 8, "title": TITLE_HP, "body": current_body()}])
    out = sync(capsys)
    changes = [c["args"] for c in calls()[1:]]
    assert changes[0][:6] == ["issue", "close", "9", "--reason", "completed", "--comment"]
    assert changes[1][:3] == ["issue", "close", "8"] and "#7" in changes[1][-1]
    assert len(changes) == 2 and "đóng #9 (ha-noi)" in out


def test_closes_everything_when_nothing_is_expired(capsys, fake_gh) -> None:
    serve, calls = fake_gh
    serve([{"number": 7, "title": TITLE_HP, "body": current_body()}])
    sync(capsys, today="2024-01-01")
    assert [c["args"][:3] for c in calls()[1:]] == [["issue", "close", "7"]]


def test_untrusted_text_stays_in_the_body_file(capsys, fake_gh, tmp_path: Path) -> None:
    _serve, calls = fake_gh
    root = tmp_path / "tree"
    shutil.copytree(RULES, root)
    product = root / "registry/hai-phong/products/sp-hai-phong-0003.yaml"
    evil = "Bánh | gai <script>alert(1)</script> $(rm -rf ~) `x`"
    product.write_text(product.read_text("utf-8").replace("name: Bánh gai Ninh Giang", f"name: '{evil}'"), "utf-8")
    sync(capsys, root)
    create = calls()[1]
    assert all("rm -rf" not in a for a in create["args"])
    assert "Bánh \\| gai &lt;script&gt;alert(1)&lt;/script&gt; $(rm -rf ~) 'x'" in create["body"]
    assert "<script>" not in create["body"]


def test_dry_run_changes_nothing(capsys, fake_gh) -> None:
    _serve, calls = fake_gh
    code, out, _ = run_cli(capsys, "--root", str(RULES), "expiry-sync", "--today", "2026-11-23", "--dry-run")
    assert code == 0 and "tạo issue mới (hai-phong)" in out
    assert [c["args"][:2] for c in calls()] == [["issue", "list"]]


def test_missing_or_failing_gh_is_a_clear_error(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err = run_cli(capsys, "--root", str(RULES), "expiry-sync", "--today", "2026-11-23")
    assert code == 2 and "không tìm thấy lệnh gh" in err
    script = tmp_path / "gh"
    script.write_text("#!/bin/sh\necho 'HTTP 401: Bad credentials' >&2\nexit 4\n", "utf-8")
    script.chmod(0o755)
    code, _, err = run_cli(capsys, "--root", str(RULES), "expiry-sync", "--today", "2026-11-23")
    assert code == 2 and "Bad credentials" in err
