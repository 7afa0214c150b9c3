"""What changed since a git ref: the files a pull-request check reports on.

Paths come from git NUL-separated (`-z`), so git never quotes them: a name with Vietnamese letters, a
newline or a byte that is not UTF-8 arrives as the bytes on disk, decoded as Python names files
(`os.fsdecode`: an undecodable byte becomes a lone surrogate), and matches the path the loader found.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class GitRefError(Exception):
    """--changed-since names something git cannot compare with (the message is for the officer)."""


@dataclass(frozen=True)
class Changes:
    """The paths that differ from the merge base of a ref and HEAD."""

    base: str  # the merge base's commit id
    paths: frozenset[str]  # committed, staged, unstaged and untracked changes, deletions included
    deleted: frozenset[str]  # the paths of `paths` that the change deletes


def changed_files(root: Path, ref: str) -> set[str]:
    """Files changed since a git ref (committed, staged, unstaged and untracked)."""
    return set(start_changed_files(root, ref)().paths)


def start_changed_files(root: Path, ref: str) -> Callable[[], Changes]:
    """Start git on the question now (it runs beside the loader); the returned function waits for the answer.
    Processes, not a thread: the loader may fork workers, and forking a threaded process is unsafe."""
    base = subprocess.run(["git", "merge-base", ref, "HEAD"], cwd=root, capture_output=True, text=True)
    if base.returncode != 0 or not base.stdout.strip():
        reason = (base.stderr.strip().splitlines() or ["không có gốc chung với HEAD (bản sao nông?)"])[0][:200]
        raise GitRefError(f"Không so sánh được với phiên bản git «{ref}»: {reason}")
    commit = base.stdout.strip()
    commands = (["git", "diff", "-z", "--name-status", "--no-renames", commit],
                ["git", "ls-files", "-z", "--others", "--exclude-standard"])
    processes = [subprocess.Popen(c, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]

    def wait() -> Changes:
        outputs = []
        for process in processes:
            out, err = process.communicate()
            if process.returncode != 0:
                first = (err.decode("utf-8", "replace").strip().splitlines() or [""])[0][:200]
                raise GitRefError(f"git thất bại khi so sánh với «{ref}»: {first}")
            outputs.append(out)
        changed, deleted = parse_name_status(outputs[0])
        untracked = {os.fsdecode(name) for name in outputs[1].split(b"\0") if name}
        return Changes(commit, frozenset(changed | untracked), frozenset(deleted))
    return wait


def parse_name_status(out: bytes) -> tuple[set[str], set[str]]:
    """(every path, the deleted ones) from `git diff -z --name-status --no-renames`: status NUL path NUL …"""
    fields = out.split(b"\0")
    changed: set[str] = set()
    deleted: set[str] = set()
    for status, name in zip(fields[0::2], fields[1::2], strict=False):
        if not status:
            continue
        path = os.fsdecode(name)
        changed.add(path)
        if status.startswith(b"D"):
            deleted.add(path)
    return changed, deleted
