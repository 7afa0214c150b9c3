"""`ocop intake issue`: issue-form events → branch + pull request, or a Vietnamese reply; offline.

A real git repository (with a bare `origin` in a temp folder) and a fake `gh` on PATH that records its
argv and body files; a wrapper `git` records argv too. Hostile values must only ever reach a file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

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


# What validation asks git's index (check/worktree.py): read-only, never a branch, a commit or a push.
VALIDATION_QUERIES = (["ls-files"], ["diff-files"])


def calls(repo: Path) -> list[dict]:
    """The recorded gh and git calls, without validation's read-only questions to git's index."""
    log = repo.parent / "calls.jsonl"
    lines = log.read_text("utf-8").split("\n") if log.exists() else []  # not splitlines(): U+2028 is in values
    found = [json.loads(line) for line in lines if line]
    return [c for c in found if not (c["tool"] == "git" and c["args"][:1] in VALIDATION_QUERIES)]


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
    assert [c["args"][:1] for c in made if c["tool"] == "git"] == [["ls-remote"]]  # only asked: no branch yet?
    body = next(c for c in made if c["tool"] == "gh")["body"]
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


# ---- what the bot writes on GitHub: values never become markup ------------------------------------------

PR_URLS = ("https://github.com/ocop-vn/ocop-registry/pull/99", "https://github.com/ocop-vn/ocop-registry/pull/7")
MENTION = re.compile(r"@[\w-]")
AUTOLINK = re.compile(r"(?i)\b(?:https?://|www\.)|javascript:")


def live_markup(markdown: str, site_prefix: str) -> list[str]:
    """What GitHub would render as more than text outside code: mentions, links, images, HTML, autolinks.

    Parsed as CommonMark (plus GFM tables and strikethrough) by markdown-it-py; the bot's own links (rule
    pages on the site) and the pull request URL it was given are the only live markup allowed."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    problems = []
    for token in parser.parse(markdown):
        if token.type == "html_block":
            problems.append(f"HTML block: {token.content!r}")
        for child in token.children or []:
            if child.type in ("image", "html_inline"):
                problems.append(f"{child.type}: {child.content or child.attrs}")
            elif child.type == "link_open" and not str(child.attrs.get("href", "")).startswith(site_prefix):
                problems.append(f"link: {child.attrs}")
            elif child.type == "text":
                text = child.content
                for url in PR_URLS:
                    text = text.replace(url, "")
                if MENTION.search(text) or AUTOLINK.search(text):
                    problems.append(f"text: {child.content!r}")
    return problems


def site_prefix(repo: Path) -> str:
    from ocop.config import mkdocs_config, site_url_of

    return (site_url_of(mkdocs_config(repo)) or "https://").rstrip("/") + "/"


def bodies(made: list[dict]) -> list[str]:
    return [c["body"] for c in made if "body" in c]


@pytest.mark.parametrize("name", ["hostile-markdown-province.json", "hostile-markdown-reply.json",
                                  "hostile-markdown-valid.json"])
def test_values_echoed_on_github_stay_text(capsys, repo: Path, name: str) -> None:
    """A blank line used to end the inline code span around a quoted value, and the province was quoted raw
    in bold: a mention, a remote image (a tracking pixel) and links rendered live in the bot's reply."""
    code, out = intake(capsys, repo, EVENTS / name)
    assert code == 0, out
    written = bodies(calls(repo))
    assert written, "the bot must have written something"
    for body in written:
        assert "@octocat" in body or "octocat" not in json.dumps(written)  # the values are quoted, not dropped
        assert live_markup(body, site_prefix(repo)) == [], body


def test_the_markdown_check_sees_live_markup(repo: Path) -> None:
    prefix = site_prefix(repo)
    assert live_markup("- `` a\n\n@octocat ![x](http://e.example/x.png) ``", prefix)
    assert live_markup("**x <img src=x>**", prefix) and live_markup("see www.evil.example", prefix)
    assert live_markup("[a](javascript:alert(1))", prefix)
    assert live_markup("````text\n@octocat ``` ![x](y)\n````\n", prefix) == []


def test_dry_run_echo_is_text_too(capsys, repo: Path) -> None:
    code, out, _ = run_cli(capsys, "--root", str(repo), "intake", "issue", "--event",
                           str(EVENTS / "hostile-markdown-reply.json"), "--today", TODAY, "--dry-run")
    assert code == 0 and "@octocat" in out
    assert live_markup(out, site_prefix(repo)) == [], out


# ---- --dry-run leaves nothing behind ---------------------------------------------------------------------

def tree(root: Path) -> dict[str, bytes]:
    """Every file and folder under root, .git included, with the bytes of files."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>") for p in root.rglob("*")}


@pytest.mark.parametrize("name", ["valid.json", "invalid.json", "producer.json"])
def test_dry_run_leaves_no_file_behind(capsys, repo: Path, name: str) -> None:
    before = tree(repo)
    code, out, _ = run_cli(capsys, "--root", str(repo), "intake", "issue", "--event", str(EVENTS / name),
                           "--today", TODAY, "--dry-run")
    assert code == 0, out
    assert calls(repo) == []
    after = tree(repo)
    assert sorted(set(after) - set(before)) == [] and after == before


# ---- an edit after the pull request was opened: one more commit, never a force-push ----------------------

def origin_git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo.parent / "origin.git"), *args],
                          capture_output=True, text=True, check=True).stdout


def edited_event(repo: Path, replacements: list[tuple[str, str]], number: int = 12) -> Path:
    event = json.loads((EVENTS / "valid.json").read_text("utf-8"))
    event["action"] = "edited"
    event["issue"]["number"] = number
    for old, new in replacements:
        assert old in event["issue"]["body"]
        event["issue"]["body"] = event["issue"]["body"].replace(old, new)
    path = repo.parent / f"edited-{len(list(repo.parent.glob('edited-*')))}.json"
    path.write_text(json.dumps(event, ensure_ascii=False), "utf-8")
    return path


def fresh_checkout(repo: Path) -> None:
    """What the workflow starts from each time: the default branch, clean."""
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True, capture_output=True)
    (repo.parent / "calls.jsonl").unlink(missing_ok=True)


def open_first(capsys, repo: Path, monkeypatch) -> str:
    code, out = intake(capsys, repo, EVENTS / "valid.json")
    assert code == 0, out
    monkeypatch.setenv("FAKE_PRS", '[{"number": 7, "url": "https://github.com/ocop-vn/ocop-registry/pull/7"}]')
    fresh_checkout(repo)
    return origin_git(repo, "rev-parse", "dang-ky/issue-12").strip()


def assert_never_forced(made: list[dict]) -> None:
    for call in made:
        if call["tool"] == "git" and "push" in call["args"]:
            assert not {"--force", "-f", "--force-with-lease", "--mirror"} & set(call["args"]), call
            assert not any(a.startswith(("+", "--force")) for a in call["args"]), call


def test_an_edit_adds_a_commit_and_says_what_changed(capsys, repo: Path, monkeypatch) -> None:
    first = open_first(capsys, repo, monkeypatch)
    path = edited_event(repo, [("Trà sen Tây Hồ", "Trà sen Tây Hồ loại đặc biệt @octocat"),
                               ("Ngõ 52 Đặng Thai Mai", "Ngõ 52 Đặng Thai Mai\n\n![x](http://evil.example/x.png)")])
    code, out = intake(capsys, repo, path)
    assert code == 0, out
    made = calls(repo)
    assert_never_forced(made)
    tip = origin_git(repo, "rev-parse", "dang-ky/issue-12").strip()
    assert origin_git(repo, "rev-parse", f"{tip}^").strip() == first  # one commit on top of the reviewed one
    pushed = yaml.safe_load(origin_git(repo, "show", "dang-ky/issue-12:registry/ha-noi/products/sp-ha-noi-0011.yaml"))
    assert pushed["id"] == "sp-ha-noi-0011" and pushed["name"] == "Trà sen Tây Hồ loại đặc biệt @octocat"
    on_main = subprocess.run(["git", "ls-tree", "-r", "--name-only", "main", "registry/ha-noi/products"], cwd=repo,
                             capture_output=True, text=True, check=True).stdout.split()
    on_branch = origin_git(repo, "ls-tree", "-r", "--name-only", "dang-ky/issue-12", "registry/ha-noi/products").split()
    assert sorted(set(on_branch) - set(on_main)) == ["registry/ha-noi/products/sp-ha-noi-0011.yaml"]  # not a second one
    gh = [c for c in made if c["tool"] == "gh"]
    assert not any(c["args"][:2] == ["pr", "create"] for c in gh)
    comments = [c for c in gh if c["args"][:2] in (["pr", "comment"], ["issue", "comment"])]
    assert any(c["args"][:3] == ["pr", "comment", "7"] for c in comments), gh
    for c in comments:
        assert "name" in c["body"] and "address.street" in c["body"] and "loại đặc biệt" in c["body"], c["body"]
        assert tip[:12] in c["body"]
        assert live_markup(c["body"], site_prefix(repo)) == [], c["body"]
    save("issue-tra-loi-sua.md", next(c["body"] for c in comments if c["args"][0] == "pr"))


def test_an_edit_keeps_the_reviewers_commits(capsys, repo: Path, monkeypatch, tmp_path: Path) -> None:
    """A reviewer pushed a fix to the branch; the edit lands on top of it, which stays in the history."""
    open_first(capsys, repo, monkeypatch)
    clone = tmp_path / "reviewer"
    subprocess.run(["git", "clone", "-q", "-b", "dang-ky/issue-12", str(repo.parent / "origin.git"), str(clone)],
                   check=True, capture_output=True)
    notes = clone / "registry/ha-noi/products/sp-ha-noi-0011.yaml"
    notes.write_text(notes.read_text("utf-8").replace("hộp 100 g", "hộp 100 gam"), "utf-8")
    for args in (["add", "-A"], ["-c", "user.name=r", "-c", "user.email=r@example.invalid", "commit", "-qm", "fix"],
                 ["push", "-q", "origin", "HEAD:refs/heads/dang-ky/issue-12"]):
        subprocess.run(["git", *args], cwd=clone, check=True, capture_output=True)
    reviewed = origin_git(repo, "rev-parse", "dang-ky/issue-12").strip()
    code, out = intake(capsys, repo, edited_event(repo, [("Trà sen Tây Hồ", "Trà sen Tây Hồ hảo hạng")]))
    assert code == 0, out
    assert_never_forced(calls(repo))
    tip = origin_git(repo, "rev-parse", "dang-ky/issue-12").strip()
    assert origin_git(repo, "rev-parse", f"{tip}^").strip() == reviewed


def test_an_edit_that_changes_nothing_adds_nothing(capsys, repo: Path, monkeypatch) -> None:
    first = open_first(capsys, repo, monkeypatch)
    code, out = intake(capsys, repo, edited_event(repo, []))
    assert code == 0, out
    assert origin_git(repo, "rev-parse", "dang-ky/issue-12").strip() == first
    assert not [c for c in calls(repo) if c["tool"] == "gh" and c["args"][1:2] == ["comment"]]


def test_an_edit_that_breaks_the_record_leaves_the_branch_and_says_why(capsys, repo: Path, monkeypatch) -> None:
    first = open_first(capsys, repo, monkeypatch)
    code, out = intake(capsys, repo, edited_event(repo, [("ct-ha-noi-0001", "ct-ha-noi-9999")]))
    assert code == 0, out
    assert origin_git(repo, "rev-parse", "dang-ky/issue-12").strip() == first
    replies = [c for c in calls(repo) if c["args"][:2] == ["issue", "comment"]]
    assert len(replies) == 1 and "[REF-MISSING]" in replies[0]["body"] and "chưa cập nhật" in replies[0]["body"]


def test_a_closed_issue_is_left_alone(capsys, repo: Path) -> None:
    event = json.loads((EVENTS / "valid.json").read_text("utf-8"))
    event["action"], event["issue"]["state"] = "edited", "closed"
    path = repo.parent / "closed.json"
    path.write_text(json.dumps(event, ensure_ascii=False), "utf-8")
    code, out = intake(capsys, repo, path)
    assert code == 0 and "bỏ qua" in out and calls(repo) == []


def test_invisible_characters_are_shown_as_code_points(capsys, repo: Path) -> None:
    """A bidi override in a quoted value would reverse the text of the bot's reply; a line separator would
    break it where the reader sees no break. Both appear as <U+XXXX>."""
    from ocop.load.loader import CONTROL_CHARS, INVISIBLE_CHARS

    code, out = intake(capsys, repo, EVENTS / "hostile-invisible.json")
    assert code == 0, out
    written = bodies(calls(repo))
    assert written and any("TEXT-CONTROL" in body and "U+202E" in body for body in written), written
    assert any("<U+2028>" in body and "<U+200B>" in body for body in written), written
    for body in written:
        assert not INVISIBLE_CHARS.search(body) and not CONTROL_CHARS.search(body.replace("\n", "")), repr(body)
        assert live_markup(body, site_prefix(repo)) == [], body
