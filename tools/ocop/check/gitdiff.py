"""What changed since a git ref: the files a pull-request check reports on."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path


class GitRefError(Exception):
    """--changed-since names something git cannot compare with (the message is for the officer)."""


def changed_files(root: Path, ref: str) -> set[str]:
    """Files changed since a git ref (committed, staged, unstaged and untracked)."""
    return start_changed_files(root, ref)()


def start_changed_files(root: Path, ref: str) -> Callable[[], set[str]]:
    """Start git on the question now (it runs beside the loader); the returned function waits for the answer.
    Processes, not a thread: the loader may fork workers, and forking a threaded process is unsafe."""
    base = subprocess.run(["git", "merge-base", ref, "HEAD"], cwd=root, capture_output=True, text=True)
    if base.returncode != 0 or not base.stdout.strip():
        reason = (base.stderr.strip().splitlines() or ["không có gốc chung với HEAD (bản sao nông?)"])[0][:200]
        raise GitRefError(f"Không so sánh được với phiên bản git «{ref}»: {reason}")
    commands = (["git", "diff", "--name-only", "--no-renames", base.stdout.strip()],
                ["git", "ls-files", "--others", "--exclude-standard"])
    processes = [subprocess.Popen(c, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands]

    def wait() -> set[str]:
        names: set[str] = set()
        for process in processes:
            out, err = process.communicate()
            if process.returncode != 0:
                raise GitRefError(f"git thất bại khi so sánh với «{ref}»: {(err.strip().splitlines() or [''])[0][:200]}")
            names.update(line for line in out.splitlines() if line)
        return names
    return wait


