"""`ocop intake issue`: issue-form events → branch + pull request, or a Vietnamese reply; offline.

A real git repository (with a bare `origin` in a temp folder) and a fake `gh` on PATH that records its
argv and body files; a wrapper `git` records argv too. Hostile values must only ever reach a file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ocop_testing import REPO, run_cli, validate_json

EVENTS = Path(__file__).resolve().parent / "events"
TODAY = "2026-11-23"
TRANSCRIPTS = REPO / "build" / "screenshots" / "dang-ky"  # the bot's replies, shown in the guide
HOSTILE = ("$(rm -rf /)", "`touch /tmp/pwned`", "${GH_TOKEN}", "<script>", "onerror", "DROP TABLE", "@everyone")

RECORDER = """#!{python}
import json, os, sys
args = sys.argv[1:]
entry = {{"tool": {tool!r}, "args": args}}
if "--body-file" in args:
    entry["body"] = open(args[args.index("--body-file") + 1], encoding="utf-8").read()
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(entry, ensure_ascii=False) + "\\n")
if {tool!r} == "git":
    os.execv({git!r}, ["git", *args])
if args[:2] == ["pr", "list"]:
    sys.stdout.write(os.environ.get("FAKE_PRS", "[]"))
elif args[:2] == ["pr", "create"]:
    sys.stdout.write("https://github.com/ocop-vn/ocop-registry/pull/99\\n")
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of the registry with an `origin`, and recording `git`/`gh` first on PATH."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    work.mkdir()
    for folder in ("registry", "schemas", "plans", ".github"):
        shutil.copytree(REPO / folder, work / folder)
    run = lambda *a: subprocess.run(a, cwd=work, check=True, capture_output=True)  # noqa: E731
    run("git", "init", "-q", "-b", "main")
    run("git", "add", ".")
    run("git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init")
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    run("git", "remote", "add", "origin", str(origin))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("gh", "git"):
        script = bin_dir / tool
        script.write_text(RECORDER.format(python=sys.executable, tool=tool, git=shutil.which("git")), "utf-8")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "calls.jsonl"))
    return work


def save(name: str, text: str) -> None:
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    (TRANSCRIPTS / name).write_text(text, "utf-8")


def calls(repo: Path) -> list[dict]:
    log = repo.parent / "calls.jsonl"
    return [json.loads(line) for line in log.read_text("utf-8").splitlines()] if log.exists() else []


def intake(capsys, repo: Path, event: Path | str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, "--root", str(repo), "intake", "issue", "--event", str(event), "--today", TODAY)
    assert "Traceback" not in out + err
    return code, out + err


def assert_no_hostile_argv(made: list[dict]) -> None:
    for call in made:
        for arg in call["args"]:
            assert not any(h in arg for h in HOSTILE), call


def test_valid_issue_opens_a_pull_request_and_comments_the_link(capsys, repo: Path) -> None:
    code, out = intake(capsys, repo, EVENTS / "valid.json")
    assert code == 0, out
    made = calls(repo)
    gh = [c["args"] for c in made if c["tool"] == "gh"]
    assert gh[0][:4] == ["pr", "list", "--head", "dang-ky/issue-12"]
    assert gh[1][:3] == ["pr", "create", "--head"] and "--body-file" in gh[1]
    assert gh[2][:3] == ["issue", "comment", "12"]
    comment = next(c for c in made if c["args"][:2] == ["issue", "comment"])["body"]
    assert "https://github.com/ocop-vn/ocop-registry/pull/99" in comment
    save("issue-tra-loi-dat.md", comment)
    pushed = subprocess.run(["git", "--git-dir", str(repo.parent / "origin.git"), "show",
                             "dang-ky/issue-12:registry/ha-noi/products/sp-ha-noi-0011.yaml"],
                            capture_output=True, text=True, check=True).stdout
    data = yaml.safe_load(pushed)
    assert data["name"] == "Trà sen Tây Hồ" and data["classification"]["group"] == "do_uong"
    assert data["address"]["ward"]["code"] == "00103"
    assert "\n" in data["description"]
    code, findings = validate_json(capsys, repo, "--today", TODAY)  # the branch's tree, forms and CODEOWNERS included
    assert code == 0, findings


def test_edited_issue_updates_the_existing_pull_request(capsys, repo: Path, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_PRS", '[{"number": 7, "url": "https://github.com/ocop-vn/ocop-registry/pull/7"}]')
    event = json.loads((EVENTS / "valid.json").read_text("utf-8"))
    event["action"] = "edited"
    path = repo.parent / "edited.json"
    path.write_text(json.dumps(event, ensure_ascii=False), "utf-8")
    code, out = intake(capsys, repo, path)
    assert code == 0, out
    gh = [c["args"] for c in calls(repo) if c["tool"] == "gh"]
    assert gh[1][:3] == ["pr", "edit", "7"] and not any(a[:2] == ["pr", "create"] for a in gh)


def test_producer_form(capsys, repo: Path) -> None:
    code, out = intake(capsys, repo, EVENTS / "producer.json")
    assert code == 0, out
    assert any(c["args"][:2] == ["pr", "create"] for c in calls(repo))


def test_invalid_issue_gets_the_findings_in_vietnamese_and_no_branch(capsys, repo: Path) -> None:
    code, out = intake(capsys, repo, EVENTS / "invalid.json")
    assert code == 0, out
    made = calls(repo)
    assert [c["args"][:3] for c in made if c["tool"] == "gh"] == [["issue", "comment", "13"]]
    assert not [c for c in made if c["tool"] == "git"]
    body = made[0]["body"]
    save("issue-tra-loi-loi.md", body)
    assert "Hồ sơ chưa đạt kiểm tra" in body and "[REF-MISSING]" in body and "[SCHEMA]" in body
    assert not list((repo / "registry/ha-noi/products").glob("sp-ha-noi-0011.yaml"))


def test_hostile_values_only_reach_files(capsys, repo: Path) -> None:
    code, out = intake(capsys, repo, EVENTS / "hostile.json")
    assert code == 0, out
    made = calls(repo)
    assert made, "something must have been called"
    assert_no_hostile_argv(made)
    assert not Path("/tmp/pwned").exists()
    # the record keeps the text as data; the heading faked inside a value did not change the producer
    pushed = subprocess.run(["git", "--git-dir", str(repo.parent / "origin.git"), "show",
                             "dang-ky/issue-14:registry/ha-noi/products/sp-ha-noi-0011.yaml"],
                            capture_output=True, text=True, check=True).stdout
    data = yaml.safe_load(pushed)
    assert data["name"].startswith("$(rm -rf /)") and data["producer"] == "ct-ha-noi-0001"


def test_huge_and_markup_values_are_answered_inside_a_fence(capsys, repo: Path) -> None:
    event = json.loads((EVENTS / "valid.json").read_text("utf-8"))
    event["issue"]["number"] = 20
    event["issue"]["body"] = event["issue"]["body"].replace("Trà sen Tây Hồ", "````<b>x</b>@everyone" * 2000)
    event["issue"]["body"] = event["issue"]["body"].replace("Phường Tây Hồ", "````x")
    path = repo.parent / "huge.json"
    path.write_text(json.dumps(event, ensure_ascii=False), "utf-8")
    code, out = intake(capsys, repo, path)
    assert code == 0, out
    made = calls(repo)
    assert_no_hostile_argv(made)
    body = made[-1]["body"]
    assert "vượt giới hạn 300" in body and "«````x»" in body and len(body) < 5000
    fence = body.split("text\n", 1)[0].split("\n")[-1]
    assert set(fence) == {"`"} and len(fence) >= 5  # longer than the value's ```` run, so it cannot close early


def test_other_issues_are_ignored(capsys, repo: Path) -> None:
    code, out = intake(capsys, repo, EVENTS / "unrelated.json")
    assert code == 0 and "bỏ qua" in out and calls(repo) == []


def test_forms_are_generated_and_checked(capsys, repo: Path) -> None:
    code, out, _ = run_cli(capsys, "--root", str(repo), "forms")
    assert code == 0, out
    form = yaml.safe_load((repo / ".github/ISSUE_TEMPLATE/dang-ky-san-pham.yml").read_text("utf-8"))
    group = next(i for i in form["body"] if i.get("id") == "classification__group")
    assert "Đồ uống (do_uong)" in group["attributes"]["options"]
    path = repo / ".github/ISSUE_TEMPLATE/dang-ky-chu-the.yml"
    path.write_text(path.read_text("utf-8").replace("Hợp tác xã (htx)", "HTX"), "utf-8")
    code, findings = validate_json(capsys, repo, "--today", TODAY)
    assert code == 1
    sync = [f for f in findings if f["rule"] == "SYNC-FORMS"]
    assert sync and sync[0]["file"] == ".github/ISSUE_TEMPLATE/dang-ky-chu-the.yml"
    assert "ocop forms --write" in sync[0]["hint"]
    code, out, _ = run_cli(capsys, "--root", str(repo), "forms", "--write")
    assert code == 0 and "dang-ky-chu-the.yml" in out
    assert validate_json(capsys, repo, "--today", TODAY)[0] == 0
