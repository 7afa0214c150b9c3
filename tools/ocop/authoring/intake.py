"""`ocop intake issue --event FILE`: a registration issue becomes a branch and a pull request, or a reply.

Safety: the issue's text is untrusted. It is read from the event file only, becomes YAML values through
the schema (never code), and reaches `git`/`gh` only inside files (--body-file, the record files):
both run with argument lists, never a shell, and every title or message we pass is our own text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocop.authoring import forms, records
from ocop.authoring.new import put, typed, unit_from_text
from ocop.check.pipeline import load_registry
from ocop.config import mkdocs_config, site_url_of
from ocop.findings import Finding, has_errors
from ocop.model.layout import KIND_VI
from ocop.model.registry import Registry
from ocop.model.schemas import SchemaSet
from ocop.report import Report

ACTIONS = ("opened", "edited", "reopened", "labeled")
MAX_BODY = 65536  # GitHub's own limit for an issue body
BOT = ("ocop-bot", "ocop-bot@users.noreply.github.com")


@dataclass
class Issue:
    number: int
    labels: list[str]
    body: str


def read_event(path: Path) -> tuple[str, Issue] | None:
    event = json.loads(path.read_text("utf-8"))
    issue = event.get("issue") or {}
    if not isinstance(issue, dict) or not isinstance(issue.get("number"), int):
        return None
    labels = [str(label.get("name")) for label in issue.get("labels") or [] if isinstance(label, dict)]
    body = issue.get("body") if isinstance(issue.get("body"), str) else ""
    return str(event.get("action") or ""), Issue(issue["number"], labels, body[:MAX_BODY])


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


def run(root: Path, event_path: Path, dry_run: bool = False, today: dt.date | None = None) -> int:
    read = read_event(event_path)
    if read is None:
        sys.stderr.write("ocop intake: sự kiện không phải một issue.\n")
        return 2
    action, issue = read
    form = forms.form_for_labels(issue.labels)
    if action not in ACTIONS or forms.LABEL not in issue.labels or form is None:
        sys.stdout.write(f"ocop intake: bỏ qua issue #{issue.number} (không phải biểu mẫu đăng ký).\n")
        return 0
    registry = load_registry(root)[0]
    province, data, notes = record_from_form(root, registry, form, issue.body)
    if province not in registry.province_slugs():
        return reply(root, issue, f"Chưa chọn tỉnh/thành phố hợp lệ (nhận được «{short(province)}»).", [], [],
                     dry_run)
    record = records.complete(registry, root, form.kind, data, province)
    rels, findings = records.write_and_validate(root, registry, [(form.kind, record)], SchemaSet(root), today)
    if has_errors(findings):
        return reply(root, issue, "Hồ sơ chưa đạt kiểm tra nên chưa tạo yêu cầu hợp nhất.", notes, findings, dry_run)
    return propose(root, issue, form, record, rels, findings, dry_run)


# ---- outcomes -----------------------------------------------------------------------------------------

def branch_of(issue: Issue) -> str:
    return f"dang-ky/issue-{issue.number}"


def propose(root: Path, issue: Issue, form: forms.Form, record: dict, rels: list[str], findings: list[Finding],
            dry_run: bool) -> int:
    branch = branch_of(issue)
    title = f"Đăng ký {KIND_VI[form.kind]} {record['id']} (issue #{issue.number})"  # our text only: id is a slug
    body = (f"Tạo tự động từ issue #{issue.number} bằng `ocop intake`. Đóng issue khi hợp nhất.\n\n"
            f"Closes #{issue.number}\n\nTệp: " + ", ".join(f"`{r}`" for r in rels) + "\n" + findings_block(findings))
    if dry_run:
        sys.stdout.write(f"(thử) sẽ đẩy nhánh {branch} với {', '.join(rels)} và mở/sửa pull request.\n")
        return 0
    git(root, "checkout", "-B", branch)
    git(root, "add", "--", *rels)
    git(root, "-c", f"user.name={BOT[0]}", "-c", f"user.email={BOT[1]}", "commit", "-m",
        f"Register {record['id']} from issue #{issue.number}")
    git(root, "push", "--force", "origin", f"HEAD:refs/heads/{branch}")
    existing = json.loads(gh("pr", "list", "--head", branch, "--state", "open", "--json", "number,url") or "[]")
    if existing:
        with_body_file(body, lambda f: gh("pr", "edit", str(existing[0]["number"]), "--title", title, "--body-file", f))
        url = str(existing[0]["url"])
    else:
        url = with_body_file(body, lambda f: gh("pr", "create", "--head", branch, "--title", title, "--body-file", f)).strip()
    comment = (f"Đã kiểm tra: hồ sơ **{record['id']}** đạt. Yêu cầu hợp nhất (pull request): {url}\n\n"
               "Cán bộ phụ trách tỉnh sẽ duyệt. Nếu cần sửa, hãy sửa issue này (Edit): máy sẽ cập nhật yêu cầu hợp nhất.")
    with_body_file(comment, lambda f: gh("issue", "comment", str(issue.number), "--body-file", f))
    sys.stdout.write(f"ocop intake: {url}\n")
    return 0


def reply(root: Path, issue: Issue, headline: str, notes: list[str], findings: list[Finding], dry_run: bool) -> int:
    listed = "".join(f"- {fenced_inline(n)}\n" for n in notes)
    text = (f"**{headline}**\n\nHãy sửa issue này (nút «Edit» của nội dung issue); máy sẽ kiểm tra lại.\n\n"
            + listed + findings_block(findings) + rule_links(root, findings))
    if dry_run:
        sys.stdout.write(text)
        return 0
    with_body_file(text, lambda f: gh("issue", "comment", str(issue.number), "--body-file", f))
    sys.stdout.write(f"ocop intake: đã trả lời issue #{issue.number} ({len(findings)} vấn đề).\n")
    return 0


def findings_block(findings: list[Finding]) -> str:
    """Findings in a fenced block: values quoted in messages stay text (no markup, no @mentions)."""
    if not findings:
        return ""
    lines = []
    for f in findings:
        level = "lỗi" if f.severity == "error" else "cảnh báo"
        lines.append(f"{level} [{f.rule}] {short(f.message, 500)}")
        if f.hint:
            lines.append(f"    gợi ý: {short(f.hint, 500)}")
    text = "\n".join(lines)
    fence = "`" * max(3, longest_run(text, "`") + 1)
    return f"\n{fence}text\n{text}\n{fence}\n"


def rule_links(root: Path, findings: list[Finding]) -> str:
    """Each rule ID of the findings, linked to its own page on the site."""
    report = Report("", "", site_url=site_url_of(mkdocs_config(root)))
    ids = sorted({f.rule for f in findings})
    links = ", ".join(f"[{rid}]({report.rule_url(rid)})" for rid in ids)
    return f"\nÝ nghĩa và cách sửa từng mã lỗi: {links or f'[Quy tắc kiểm tra]({report.site_url.rstrip("/")}/quy-tac/)'}.\n"


def fenced_inline(text: str) -> str:
    """A note quoting the officer's text, as inline code (no markup, no mentions)."""
    ticks = "`" * (longest_run(text, "`") + 1)
    return f"{ticks} {text} {ticks}"


def longest_run(text: str, char: str) -> int:
    best = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        best = max(best, run)
    return best


def short(text: Any, limit: int = 80) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- commands (argument lists only) --------------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def gh(*args: str) -> str:
    return subprocess.run(["gh", *args], capture_output=True, text=True, check=True, env=os.environ.copy()).stdout


def with_body_file(text: str, call: Any) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "body.md"
        path.write_text(text, "utf-8")
        return call(str(path))
