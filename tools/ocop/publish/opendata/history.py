"""What git knows about the records: when each file last changed, and which ids changed between two builds.

One `git log` pass over registry/ and plans/ for the whole tree (never one per file: 62,000 calls would
take minutes); one `git diff` for the delta. A root that is not a git checkout has no dates (None).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ocop.model.layout import classify

TOPS = ("registry", "plans")


@dataclass
class History:
    head: str | None = None  # the commit the build is made from
    head_date: str | None = None  # its committer date, ISO 8601
    modified: dict[str, str] = field(default_factory=dict)  # repository path → last commit date touching it

    def of(self, path: str) -> str | None:
        return self.modified.get(path)


def _git(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def read(root: Path) -> History:
    """Last-change dates of every file under registry/ and plans/, newest commit first, one pass."""
    top = _git(root, "rev-parse", "--show-toplevel")
    head = _git(root, "log", "-1", "--format=%H%x00%cI")
    if top is None or not head:
        return History()
    commit, _, date = head.decode().strip().partition("\0")
    prefix = os.path.relpath(root.resolve(), Path(os.fsdecode(top.strip())).resolve())
    prefix = "" if prefix == "." else prefix.replace(os.sep, "/") + "/"
    out = _git(root, "log", "--format=%x01%cI", "--name-only", "-z", "--no-renames", "--", *TOPS) or b""
    modified: dict[str, str] = {}
    for block in out.split(b"\x01")[1:]:
        date_part, _, names = block.partition(b"\n")
        when = date_part.decode().strip("\0\n")
        for raw in names.split(b"\0"):
            name = os.fsdecode(raw.strip(b"\n"))
            if name.startswith(prefix):
                modified.setdefault(name[len(prefix):], when)
    return History(commit, date, modified)


@dataclass
class Delta:
    since: str | None  # the previous published build's commit; None: no previous build known
    until: str | None
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def delta(root: Path, since: str | None, until: str | None, current_ids: set[str]) -> Delta:
    """Ids added, changed and removed between commit `since` and `until` (record files only).

    Without a previous build (or when git does not know its commit) every current id counts as added:
    a consumer that has nothing must fetch everything."""
    diff = _git(root, "diff", "-z", "--name-status", "--no-renames", f"{since}..{until}", "--", *TOPS) \
        if since and until else None
    if diff is None:
        return Delta(None, until, sorted(current_ids))
    result = Delta(since, until)
    fields = diff.split(b"\0")
    for status, raw in zip(fields[0::2], fields[1::2], strict=False):
        location = classify(os.fsdecode(raw))
        if location.kind is None:
            continue
        record_id = location.stem
        code = status.decode()[:1]
        if code == "D":
            (result.changed if record_id in current_ids else result.removed).append(record_id)
        elif code == "A" and record_id in current_ids:
            result.added.append(record_id)
        elif record_id in current_ids:
            result.changed.append(record_id)
    # a record moved to another folder shows as deleted + added: it is one changed id
    moved = set(result.added) & set(result.changed)
    result.added = sorted(set(result.added) - moved)
    result.changed = sorted(set(result.changed))
    result.removed = sorted(set(result.removed))
    return result
