"""Each record's history of changes (the "Lịch sử thay đổi" section of its page), read from git.

One `git log` pass over registry/ and plans/ gives every commit and the blobs it changed (`--raw`: blob ids, so no
per-file call); one `git cat-file --batch` process then reads the two versions of every modified file,
which are compared field by field under the schema's Vietnamese titles. A record created in one commit
and never touched again costs no blob read at all, which keeps a national tree (62,000 files) fast.

The main line is read with `--first-parent`: a merged pull request is one change, its merge commit's
subject ("Merge pull request #12 from …") or a squash commit's "(#12)" gives the PR number. A shallow
clone (CI checks out one commit by default) is detected and said on the pages, never passed off as
the record's whole history.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.load import load_document
from ocop.model import layout
from ocop.model.schemas import SchemaSet

LOG_FORMAT = "%x1e%H%x1f%an%x1f%ad%x1f%cI%x1f%s"  # %cI: when it landed, for the API's `modified`
EMPTY = "0" * 40
PR_PATTERNS = (re.compile(r"^Merge pull request #(\d+)\b"), re.compile(r"\(#(\d+)\)\s*$"))
SHOWN = 200  # characters of a changed value shown on the page


@dataclass
class FieldChange:
    title: str
    before: str
    after: str


@dataclass
class Change:
    commit: str
    author: str
    date: str  # the author's day, as the page shows it
    subject: str
    pr: int | None
    action: str  # added | modified | deleted
    committed: str = ""  # committer date, ISO 8601 (the open data's `modified`)
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class RecordHistory:
    changes: list[Change]  # newest first
    shallow: bool


@dataclass
class Histories:
    by_path: dict[str, list[Change]]  # repository-relative path → changes, newest first
    shallow: bool
    available: bool = True  # False when the registry is not a git checkout (nothing to show)
    head: str | None = None  # the commit the build is made from, and its committer date (ISO 8601)
    head_date: str | None = None

    def of(self, path: str) -> RecordHistory | None:
        if not self.available:
            return None
        return RecordHistory(self.by_path.get(path, []), self.shallow)

    def last_changed(self) -> dict[str, str]:
        """Each file's newest change (committer date): the API's `modified` and the sitemap's `lastmod`."""
        return {path: changes[0].committed for path, changes in self.by_path.items() if changes}


@dataclass
class _Pending:
    change: Change
    path: str
    old: str
    new: str


def pr_number(subject: str) -> int | None:
    """The pull request a main-line commit came from: a merge commit's or a squash commit's subject."""
    for pattern in PR_PATTERNS:
        found = pattern.search(subject)
        if found:
            return int(found.group(1))
    return None


def git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-C", str(root), *args], input=data, capture_output=True, check=True).stdout


def is_shallow(root: Path) -> bool:
    return git(root, "rev-parse", "--is-shallow-repository").strip() == b"true"


def collect(root: Path, schemas: SchemaSet | None = None) -> Histories:
    """Every registry record's changes, from one `git log` and one `git cat-file --batch`."""
    try:
        inside = git(root, "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except (subprocess.CalledProcessError, FileNotFoundError):
        inside = False
    if not inside or not git(root, "rev-parse", "--verify", "-q", "HEAD").strip():
        return Histories({}, False, available=False)
    raw = git(root, "log", "-z", "--raw", "--no-abbrev", "--no-renames", "--first-parent",
              "--diff-merges=first-parent", "--relative", f"--format={LOG_FORMAT}", "--date=short",
              "--", "registry/", "plans/")
    by_path: dict[str, list[Change]] = {}
    pending: list[_Pending] = []
    for change, entries in _commits(raw):
        for status, old, new, path in entries:
            action = {"A": "added", "D": "deleted"}.get(status, "modified")
            mine = Change(change.commit, change.author, change.date, change.subject, change.pr, action,
                          committed=change.committed)
            by_path.setdefault(path, []).append(mine)
            if action == "modified" and path.endswith(".yaml"):
                pending.append(_Pending(mine, path, old, new))
    if pending:
        _diff_all(root, pending, schemas or SchemaSet(root))
    head, _, head_date = git(root, "show", "-s", "--format=%H%x00%cI", "HEAD").decode().strip().partition("\0")
    return Histories(by_path, is_shallow(root), head=head, head_date=head_date)


def _commits(raw: bytes) -> Iterator[tuple[Change, list[tuple[str, str, str, str]]]]:
    """(commit, [(status, old blob, new blob, path)]) from `git log -z --raw` output, newest first."""
    for chunk in raw.split(b"\x1e")[1:]:
        header, _, body = chunk.partition(b"\x00")
        commit, author, date, committed, subject = [*header.decode("utf-8", "replace").split("\x1f", 4), *[""] * 4][:5]
        tokens = body.lstrip(b"\n").split(b"\x00")
        entries = []
        for meta, path in zip(tokens[0::2], tokens[1::2], strict=False):
            parts = meta.decode("ascii", "replace").lstrip(":").split()
            if len(parts) == 5:
                entries.append((parts[4][:1], parts[2], parts[3], path.decode("utf-8", "surrogateescape")))
        yield Change(commit, author, date, subject, pr_number(subject), "", committed=committed), entries


def _diff_all(root: Path, pending: list[_Pending], schemas: SchemaSet) -> None:
    wanted = sorted({b for p in pending for b in (p.old, p.new) if b != EMPTY})
    blobs = _read_blobs(root, wanted)
    for item in pending:
        before = _parse(item.path, blobs.get(item.old))
        after = _parse(item.path, blobs.get(item.new))
        kind = layout.classify(item.path).kind
        item.change.fields = field_changes(before, after, _titles(schemas, kind))


def _read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """Blob contents by id through one `git cat-file --batch` (the whole request written at once)."""
    out = git(root, "cat-file", "--batch", data="".join(f"{s}\n" for s in shas).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        blobs[sha] = out[pos:pos + size]
        pos += size + 1  # the content is followed by a newline
    return blobs


def _parse(path: str, raw: bytes | None) -> Any:
    if raw is None:
        return None
    return load_document(Path(path), path, raw=raw).data


def field_changes(before: Any, after: Any, titles: dict[tuple[str, ...], str]) -> list[FieldChange]:
    """Leaf fields that differ between two versions of a record, titled by the schema (key path otherwise)."""
    old, new = dict(_leaves(before)), dict(_leaves(after))
    out = []
    for key in sorted(set(old) | set(new), key=lambda k: (_order(k, titles), k)):
        if old.get(key) != new.get(key):
            out.append(FieldChange(_title(key, titles), _shown(old.get(key)), _shown(new.get(key))))
    return out


def _leaves(data: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Objects are walked; a list or a scalar is one field (a list's items have no titles of their own)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, str(key)))
    elif path:
        yield path, data


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= SHOWN else shown[:SHOWN - 1] + "…"


_TITLE_CACHE: dict[tuple[int, str | None], dict[tuple[str, ...], str]] = {}


def _titles(schemas: SchemaSet, kind: str | None) -> dict[tuple[str, ...], str]:
    """Key path → "Địa chỉ › Xã, phường" from the kind's schema, in schema order."""
    key = (id(schemas), kind)
    if key not in _TITLE_CACHE:
        titles: dict[tuple[str, ...], str] = {}
        if kind and kind in schemas.schemas:
            _walk(schemas, schemas.kind(kind), kind, (), (), titles)
        _TITLE_CACHE[key] = titles
    return _TITLE_CACHE[key]


def _walk(schemas: SchemaSet, schema: dict, doc: str, path: tuple[str, ...], names: tuple[str, ...],
          titles: dict[tuple[str, ...], str]) -> None:
    if len(path) > 4:
        return
    for prop in schemas.props(schema, doc, path):
        label = (*names, prop.title)
        titles[prop.path] = " › ".join(label)
        if prop.schema.get("properties"):
            _walk(schemas, prop.schema, prop.doc, prop.path, label, titles)


def _order(key: tuple[str, ...], titles: dict[tuple[str, ...], str]) -> int:
    order = list(titles)
    return order.index(key) if key in titles else len(order)


def _title(key: tuple[str, ...], titles: dict[tuple[str, ...], str]) -> str:
    return titles.get(key) or ".".join(key)
