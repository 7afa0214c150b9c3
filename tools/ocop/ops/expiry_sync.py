"""Keep exactly one open GitHub issue per province listing its expired and expiring certificates.

Each issue body ends with a hidden marker `<!-- ocop-expiry:<slug>:<sha256> -->`; the hash covers the
findings (certificate, state, valid_to, star, product name), not the day count, so an issue is edited
only when the facts change. `gh` is called with argument lists (never a shell) and record text goes
through --body-file, so nothing in a record can reach a command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ocop.domain import lifecycle
from ocop.model.layout import CENTRAL
from ocop.model.registry import Registry
from ocop.report.expiry import table
from ocop.report.markdown import render_table

TITLE = "Chứng nhận OCOP hết hạn / sắp hết hạn — {name}"
MARKER = re.compile(r"<!-- ocop-expiry:([a-z0-9-]+):([0-9a-f]{64}) -->")
ISSUE_LIMIT = "1000"


@dataclass
class Issue:
    number: int
    title: str
    slug: str
    digest: str


def gh(*args: str) -> str:
    result = subprocess.run(["gh", *args], capture_output=True, text=True, check=True)
    return result.stdout


def open_issues() -> list[Issue]:
    """Open issues that carry our marker (other issues are never touched)."""
    raw = json.loads(gh("issue", "list", "--state", "open", "--limit", ISSUE_LIMIT, "--json", "number,title,body") or "[]")
    issues = []
    for item in raw:
        match = MARKER.search(item.get("body") or "")
        if match:
            issues.append(Issue(int(item["number"]), str(item.get("title", "")), match.group(1), match.group(2)))
    return sorted(issues, key=lambda i: i.number)


def province_rows(registry: Registry, today: dt.date) -> dict[str, list[lifecycle.Status]]:
    rows: dict[str, list[lifecycle.Status]] = {}
    for s in lifecycle.listing(registry, today, within=lifecycle.NOTICE_DAYS):
        if s.state in ("expired", "expiring"):
            rows.setdefault(str(s.cert.get("province")), []).append(s)
    return rows


def digest(registry: Registry, rows: list[lifecycle.Status]) -> str:
    facts = []
    for s in sorted(rows, key=lambda s: s.cert.id):
        product = registry.get("product", s.cert.get("product"))
        facts.append([s.cert.id, s.state, str(s.valid_to), s.cert.get("star"), product.get("name") if product else None])
    return hashlib.sha256(json.dumps(facts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def body(registry: Registry, slug: str, name: str, rows: list[lifecycle.Status], today: dt.date, sha: str) -> str:
    expired = sum(s.state == "expired" for s in rows)
    return (
        f"Danh sách chứng nhận OCOP của **{name}** đã hết hạn hoặc còn ≤ {lifecycle.NOTICE_DAYS} ngày hiệu lực "
        f"(cập nhật tự động ngày {today}): {expired} đã hết hạn, {len(rows) - expired} sắp hết hạn.\n\n"
        + render_table(table(registry, rows, with_days=False))
        + "\nCách xử lý: thêm quyết định công nhận lại (chứng nhận mới ghi `supersedes`) hoặc quyết định thu hồi "
        f"vào `registry/{slug}/`. Issue này tự đóng khi tỉnh không còn chứng nhận hết hạn.\n\n"
        f"<!-- ocop-expiry:{slug}:{sha} -->\n"
    )


def sync(registry: Registry, today: dt.date, dry_run: bool = False) -> list[str]:
    """Create, edit or close issues so each province with findings has exactly one, up to date."""
    names = {p.get("slug"): p.get("name") for p in registry.provinces if isinstance(p, dict)}
    rows = province_rows(registry, today)
    existing: dict[str, list[Issue]] = {}
    for issue in open_issues():
        existing.setdefault(issue.slug, []).append(issue)
    actions = []
    for slug in sorted(set(rows) | set(existing)):
        if slug == CENTRAL and slug not in rows:
            continue
        actions += _sync_province(registry, slug, str(names.get(slug) or slug), rows.get(slug, []),
                                  existing.get(slug, []), today, dry_run)
    return actions


def _sync_province(registry: Registry, slug: str, name: str, rows: list[lifecycle.Status], issues: list[Issue],
                   today: dt.date, dry_run: bool) -> list[str]:
    actions = []
    keep, extra = (issues[0], issues[1:]) if issues else (None, [])
    for issue in extra:  # exactly one open issue per province: close duplicates
        actions.append(_close(issue, f"Trùng với issue #{keep.number}." if keep else "", dry_run))
    if not rows:
        if keep:
            actions.append(_close(keep, "Không còn chứng nhận hết hạn hoặc sắp hết hạn.", dry_run))
        return actions
    sha = digest(registry, rows)
    title = TITLE.format(name=name)
    if keep and keep.digest == sha and keep.title == title:
        return [*actions, f"giữ nguyên #{keep.number} ({slug})"]
    text = body(registry, slug, name, rows, today, sha)
    if keep:
        _run_with_body(["issue", "edit", str(keep.number), "--title", title], text, dry_run)
        return [*actions, f"sửa #{keep.number} ({slug})"]
    _run_with_body(["issue", "create", "--title", title], text, dry_run)
    return [*actions, f"tạo issue mới ({slug})"]


def _run_with_body(args: list[str], text: str, dry_run: bool) -> None:
    if dry_run:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "body.md"
        path.write_text(text, "utf-8")
        gh(*args, "--body-file", str(path))


def _close(issue: Issue, comment: str, dry_run: bool) -> str:
    if not dry_run:
        args = ["issue", "close", str(issue.number), "--reason", "completed"]
        if comment:
            args += ["--comment", comment]
        gh(*args)
    return f"đóng #{issue.number} ({issue.slug})"
