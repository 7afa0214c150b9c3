"""What git knows about the records: when each file last changed, and which ids changed between two builds.

The dates come from the record history (`publish/site/history.py`: one `git log` pass over registry/ and
plans/, shared with the pages' "Lịch sử thay đổi"); one `git diff` for the delta. A root that is not a git checkout has no dates (None).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ocop.model.layout import classify
from ocop.publish.site.history import Histories, collect

TOPS = ("registry", "plans")  # the folders whose records the delta lists


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


def read(root: Path, changes: Histories | None = None) -> History:
    """Last-change dates of every file under registry/ and plans/, from the record history the build reads
    anyway (`site/history.py`: one `git log` pass); read here only when no build step did."""
    changes = changes if changes is not None else collect(root)
    if not changes.available or not changes.head:
        return History()
    return History(changes.head, changes.head_date, changes.last_changed())


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
    diff = _git(root, "diff", "-z", "--relative", "--name-status", "--no-renames", f"{since}..{until}", "--", *TOPS) \
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
