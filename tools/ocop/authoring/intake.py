"""`ocop intake issue --event FILE`: a registration issue becomes a branch and a pull request, or a reply.

Safety: the issue's text is untrusted. It is read from the event file only, becomes YAML values through
the schema (never code), and reaches `git`/`gh` only inside files (--body-file, the record files):
both run with argument lists, never a shell, and every title or message we pass is our own text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ocop.authoring import forms, records
from ocop.authoring.new import put, typed, unit_from_text
from ocop.check.pipeline import load_registry
from ocop.config import mkdocs_config, site_url_of
from ocop.findings import Finding, has_errors
from ocop.load.loader import INVISIBLE_CHARS
from ocop.model.layout import KIND_VI, classify
from ocop.model.registry import Registry
from ocop.model.schemas import SchemaSet
from ocop.report import Report

ACTIONS = ("opened", "edited", "reopened", "labeled")
MAX_BODY = 65536  # GitHub's own limit for an issue body
BOT = ("ocop-bot", "ocop-bot@users.noreply.github.com")
_UNSEEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f]|{INVISIBLE_CHARS.pattern}")  # \t and \n stay


@dataclass
class Issue:
    number: int
    labels: list[str]
    body: str
    state: str = "open"


def read_event(path: Path) -> tuple[str, Issue] | None:
    event = json.loads(path.read_text("utf-8"))
    issue = event.get("issue") or {}
    if not isinstance(issue, dict) or not isinstance(issue.get("number"), int):
        return None
    labels = [str(label.get("name")) for label in issue.get("labels") or [] if isinstance(label, dict)]
    body = issue.get("body") if isinstance(issue.get("body"), str) else ""
    state = str(issue.get("state") or "open")
    return str(event.get("action") or ""), Issue(issue["number"], labels, body[:MAX_BODY], state)


def record_from_form(root: Path, registry: Registry, form: forms.Form, body: str) -> tuple[str, dict, list[str]]:
    """(province, data, notes) from the rendered form body; values typed by the schema, wards looked up.

    A ward name that is not found stays text (the validator then refuses it) and gets a plain note."""
    schemas = SchemaSet(root)
    fields = forms.fields(schemas, form, registry)
    values = forms.parse_body(body, [f.label for f in fields])
    province, data, notes = "", {}, []
    for f in fields:
        raw = forms.option_value(f, values.get(f.label, "").strip())
        if not raw:
            continue
        if f.path == "province":
            province = raw
            continue
        path = f.path.split(".")
        value = typed(schemas, form.kind, path, raw) if f.options == () else raw
        if path[-1] == "ward":
            value = unit_from_text(registry, province, tuple(path), raw)
            if isinstance(value, str):
                notes.append(f"«{f.label}»: không có xã/phường «{short(raw)}» trong tỉnh đã chọn (bộ mã 2025, sau "
                             "01/7/2025). Ghi đúng tên hiện hành, ví dụ «Phường Tây Hồ», hoặc mã 5 chữ số.")
        put(data, path, value)
    return province, data, notes


@dataclass
class Published:
    """What the issue's branch already holds on origin: its ref here, and the record it adds (if found)."""

    ref: str
    rel: str | None = None
    data: dict | None = None

    @property
    def id(self) -> str | None:
        return Path(self.rel).stem if self.rel else None

    @property
    def province(self) -> str | None:
        return self.rel.split("/")[1] if self.rel and self.rel.startswith("registry/") else None


def run(root: Path, event_path: Path, dry_run: bool = False, today: dt.date | None = None) -> int:
    read = read_event(event_path)
    if read is None:
        sys.stderr.write("ocop intake: sự kiện không phải một issue.\n")
        return 2
    action, issue = read
    form = forms.form_for_labels(issue.labels)
    if action not in ACTIONS or forms.LABEL not in issue.labels or form is None or issue.state != "open":
        sys.stdout.write(f"ocop intake: bỏ qua issue #{issue.number} (không phải biểu mẫu đăng ký đang mở).\n")
        return 0
    registry = load_registry(root, use_cache=not dry_run)[0]  # a dry run writes nothing, not even build/cache
    province, data, notes = record_from_form(root, registry, form, issue.body)
    if province not in registry.province_slugs():
        notes.insert(0, f"«Tỉnh/thành phố»: nhận được «{short(province)}».")
        return reply(root, issue, "Chưa chọn tỉnh/thành phố hợp lệ.", notes, [], dry_run)
    published = None if dry_run else published_record(root, branch_of(issue), form.kind)
    if published and published.id and published.province == province:
        data["id"] = published.id  # an edit updates the record the pull request already proposes
    record = records.complete(registry, root, form.kind, data, province)
    texts, rels, findings = validated(root, registry, form.kind, record, today, dry_run)
    if has_errors(findings):
        headline = ("Bản sửa của issue chưa đạt kiểm tra nên chưa cập nhật yêu cầu hợp nhất." if published
                    else "Hồ sơ chưa đạt kiểm tra nên chưa tạo yêu cầu hợp nhất.")
        return reply(root, issue, headline, notes, findings, dry_run)
    if published:
        return update(root, issue, form, record, texts, published, findings)
    return propose(root, issue, form, record, texts, rels, findings, dry_run)


def validated(root: Path, registry: Registry, kind: str, record: dict, today: dt.date | None,
              dry_run: bool) -> tuple[dict[str, str], list[str], list[Finding]]:
    """({path: YAML text}, paths, findings): the record written where it belongs, validated, and removed
    again with the folders made for it; the caller writes the text back where it commits it."""
    rel = records.record_path(kind, record, records.year_of(registry, kind, record))
    made = [folder for folder in (root / rel).parents if folder != root and root in folder.parents
            and not folder.exists()]
    texts: dict[str, str] = {}
    try:
        rels, findings = records.write_and_validate(root, registry, [(kind, record)], SchemaSet(root), today,
                                                    use_cache=not dry_run)
        for written in rels:
            if (root / written).is_file():
                texts[written] = (root / written).read_text("utf-8")
                (root / written).unlink()
    finally:
        for folder in made:  # deepest first
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    return texts, rels, findings


# ---- outcomes -----------------------------------------------------------------------------------------

def branch_of(issue: Issue) -> str:
    return f"dang-ky/issue-{issue.number}"


def pr_text(issue: Issue, form: forms.Form, record: dict, rels: list[str], findings: list[Finding]) -> tuple[str, str]:
    title = f"Đăng ký {KIND_VI[form.kind]} {record['id']} (issue #{issue.number})"  # our text only: id is a slug
    body = (f"Tạo tự động từ issue #{issue.number} bằng `ocop intake`. Đóng issue khi hợp nhất.\n\n"
            f"Closes #{issue.number}\n\nTệp: " + ", ".join(f"`{r}`" for r in rels) + "\n" + findings_block(findings))
    return title, body


def propose(root: Path, issue: Issue, form: forms.Form, record: dict, texts: dict[str, str], rels: list[str],
            findings: list[Finding], dry_run: bool) -> int:
    """A new branch with the record, its pull request, and a comment on the issue linking it."""
    branch = branch_of(issue)
    if dry_run:
        sys.stdout.write(f"(thử) sẽ đẩy nhánh {branch} với {', '.join(rels)} và mở/sửa pull request.\n")
        return 0
    git(root, "checkout", "-B", branch)
    commit(root, texts, [], f"Register {record['id']} from issue #{issue.number}")
    push(root, branch)
    url = open_pull_request(issue, *pr_text(issue, form, record, list(texts), findings))
    comment = (f"Đã kiểm tra: hồ sơ **{record['id']}** đạt. Yêu cầu hợp nhất (pull request): {url}\n\n"
               "Cán bộ phụ trách tỉnh sẽ duyệt. Nếu cần sửa, hãy sửa issue này (Edit): máy sẽ cập nhật yêu cầu hợp nhất.")
    with_body_file(comment, lambda f: gh("issue", "comment", str(issue.number), "--body-file", f))
    sys.stdout.write(f"ocop intake: {url}\n")
    return 0


def update(root: Path, issue: Issue, form: forms.Form, record: dict, texts: dict[str, str], published: Published,
           findings: list[Finding]) -> int:
    """The issue was edited after its branch was pushed: one more commit on top of the branch as it is on
    origin (reviewers' commits included), a plain push that fails rather than rewrite history, and a
    comment listing the fields that changed. Nothing is pushed when the record did not change."""
    branch = branch_of(issue)
    git(root, "checkout", "-B", branch, published.ref)
    removed = [published.rel] if published.rel and published.rel not in texts else []
    sha = commit(root, texts, removed, f"Update {record['id']} from the edited issue #{issue.number}")
    if sha is None:
        sys.stdout.write(f"ocop intake: issue #{issue.number} được sửa nhưng hồ sơ không đổi; không cập nhật.\n")
        return 0
    try:
        push(root, branch)
    except subprocess.CalledProcessError as err:  # someone pushed meanwhile: never overwrite their commits
        sys.stderr.write(f"ocop intake: không đẩy được nhánh {branch} (nhánh đã thay đổi trong lúc chạy): "
                         f"{err.stderr.strip()[:300]}\nChạy lại quy trình để áp dụng bản sửa lên nhánh mới.\n")
        return 1
    changes = changed_fields(published.data or {}, record)
    url = open_pull_request(issue, *pr_text(issue, form, record, list(texts), findings), edit=False)
    summary = (f"Issue #{issue.number} đã được sửa. Máy đã thêm commit {sha[:12]} vào nhánh `{branch}`; các commit "
               "đã có (kể cả của người duyệt) được giữ nguyên, không ghi đè.\n\nCác trường thay đổi:\n"
               + code_block("\n".join(changes) or "(không có trường nào; chỉ định dạng tệp)")
               + findings_block(findings))
    number = url.rstrip("/").rsplit("/", 1)[-1]
    with_body_file(summary, lambda f: gh("pr", "comment", number, "--body-file", f))
    with_body_file(f"Đã cập nhật yêu cầu hợp nhất theo bản sửa: {url}\n\n" + summary,
                   lambda f: gh("issue", "comment", str(issue.number), "--body-file", f))
    sys.stdout.write(f"ocop intake: {url} (commit {sha[:12]})\n")
    return 0


def reply(root: Path, issue: Issue, headline: str, notes: list[str], findings: list[Finding], dry_run: bool) -> int:
    """The officer's values only ever appear inside a fenced code block (see `code_block`)."""
    text = (f"**{headline}**\n\nHãy sửa issue này (nút «Edit» của nội dung issue); máy sẽ kiểm tra lại.\n"
            + findings_block(findings, notes) + rule_links(root, findings))
    if dry_run:
        sys.stdout.write(text)
        return 0
    with_body_file(text, lambda f: gh("issue", "comment", str(issue.number), "--body-file", f))
    sys.stdout.write(f"ocop intake: đã trả lời issue #{issue.number} ({len(findings)} vấn đề).\n")
    return 0


def findings_block(findings: list[Finding], notes: Sequence[str] = ()) -> str:
    """Notes and findings in a fenced block: values quoted in them stay text (no markup, no @mentions)."""
    lines = [f"ghi chú: {note}" for note in notes]
    for f in findings:
        level = "lỗi" if f.severity == "error" else "cảnh báo"
        lines.append(f"{level} [{f.rule}] {short(f.message, 500)}")
        if f.hint:
            lines.append(f"    gợi ý: {short(f.hint, 500)}")
    return "\n" + code_block("\n".join(lines)) if lines else ""


def code_block(text: str) -> str:
    """GitHub Markdown that shows `text` as it is: a fenced code block whose fence is longer than any run of
    backticks in the text, so no line of it can close the block; inside, nothing is markup (no mentions,
    links, images or HTML), blank lines included. Invisible characters (bidi overrides that would reverse
    the reply, U+2028, zero-width, terminal escapes) are written as <U+XXXX>."""
    text = _UNSEEN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
    fence = "`" * max(3, longest_run(text, "`") + 1)
    return f"{fence}text\n{text}\n{fence}\n"


def rule_links(root: Path, findings: list[Finding]) -> str:
    """Each rule ID of the findings, linked to its own page on the site."""
    report = Report("", "", site_url=site_url_of(mkdocs_config(root)))
    ids = sorted({f.rule for f in findings})
    links = ", ".join(f"[{rid}]({report.rule_url(rid)})" for rid in ids)
    return f"\nÝ nghĩa và cách sửa từng mã lỗi: {links or f'[Quy tắc kiểm tra]({report.site_url.rstrip("/")}/quy-tac/)'}.\n"


def changed_fields(old: dict, new: dict) -> list[str]:
    """'field.path: old → new' for every leaf that differs (values shortened, shown in a code block)."""
    before, after = dict(_leaves(old)), dict(_leaves(new))
    out = []
    for path in [*before, *(p for p in after if p not in before)]:
        if before.get(path) != after.get(path):
            out.append(f"{path}: {_shown(before.get(path))} → {_shown(after.get(path))}")
    return out


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list) and value:
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, value)]


def _shown(value: Any) -> str:
    return "(trống)" if value is None else short(json.dumps(value, ensure_ascii=False) if not isinstance(value, str)
                                                  else f"«{value}»", 200)


def longest_run(text: str, char: str) -> int:
    best = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        best = max(best, run)
    return best


def short(text: Any, limit: int = 80) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- git and gh ------------------------------------------------------------------------------------------

def published_record(root: Path, branch: str, kind: str) -> Published | None:
    """The issue's branch on origin, fetched, and the record of this kind it adds to the checked-out tree."""
    if not git(root, "ls-remote", "--heads", "origin", f"refs/heads/{branch}").strip():
        return None
    ref = f"refs/remotes/origin/{branch}"
    git(root, "fetch", "--quiet", "origin", f"+refs/heads/{branch}:{ref}")
    added = git(root, "diff", "--name-only", "--diff-filter=A", "HEAD", ref, "--", "registry", "plans").splitlines()
    rel = next((r for r in sorted(added) if classify(r).kind == kind), None)
    if rel is None:
        return Published(ref)
    try:
        data = yaml.safe_load(git(root, "show", f"{ref}:{rel}"))
    except yaml.YAMLError:
        data = None
    return Published(ref, rel, data if isinstance(data, dict) else None)


def commit(root: Path, texts: dict[str, str], removed: list[str], message: str) -> str | None:
    """Write the files, stage them (and the removals), commit as the bot; None when nothing changed."""
    for rel, text in texts.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    if removed:
        git(root, "rm", "--quiet", "--", *removed)
    git(root, "add", "--", *texts)
    if subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=root).returncode == 0:
        return None
    git(root, "-c", f"user.name={BOT[0]}", "-c", f"user.email={BOT[1]}", "commit", "--quiet", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def push(root: Path, branch: str) -> None:
    """A plain push: a fast-forward or nothing. Never forced: a reviewed branch keeps its history."""
    git(root, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}")


def open_pull_request(issue: Issue, title: str, body: str, edit: bool = True) -> str:
    """The open pull request of the issue's branch (its title and body refreshed when `edit`), or a new one."""
    branch = branch_of(issue)
    existing = json.loads(gh("pr", "list", "--head", branch, "--state", "open", "--json", "number,url") or "[]")
    if existing:
        if edit:
            with_body_file(body, lambda f: gh("pr", "edit", str(existing[0]["number"]), "--title", title,
                                              "--body-file", f))
        return str(existing[0]["url"])
    return with_body_file(body, lambda f: gh("pr", "create", "--head", branch, "--title", title,
                                             "--body-file", f)).strip()


# ---- commands (argument lists only) ------------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def gh(*args: str) -> str:
    return subprocess.run(["gh", *args], capture_output=True, text=True, check=True, env=os.environ.copy()).stdout


def with_body_file(text: str, call: Any) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "body.md"
        path.write_text(text, "utf-8")
        return call(str(path))
