"""Which files lie under registry/ and plans/, and which of them git vouches for as unchanged.

In a git work tree, git's index already knows each tracked file's content id (its blob id) and the stat
data that file had when git last read it; `git diff-files` compares that stat data with the disk in C (and
reads the content itself of entries too fresh to trust, as git does for "racily clean" files). A file it
does not name is unchanged since git hashed it, so its blob id identifies its content and the run reads
nothing of it. What git does not vouch for is listed and stat-ed here as before: files git names
(modified, deleted, replaced by a link or a folder), entries whose flags say git may not have looked
(assume-unchanged, skip-worktree, unmerged, submodules), untracked and ignored files, photos.

Without git (no `.git` at the root: no note), or when git fails (not installed, an unreadable index,
a repository it refuses, a SHA-256 repository: a note for the officer), every file is stat-ed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ocop.model.layout import discover, is_media

TOPS = ("registry", "plans")
# Variables that would point git at another repository, work tree or index than the root's.
_GIT_LOCATION = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES")
# `git ls-files -z -s -v`: tag, mode, object id, stage, path. Only "H" (cached, no flags) at stage 0 is vouched.
_ENTRY = re.compile(r"([A-Za-z?]) (\d+) ([0-9a-f]+) (\d)\t([^\0]*)\0")
_FILE_MODES = ("100644", "100755")
_PLAIN = re.compile(r"H 100(?:644|755) ([0-9a-f]{40}) 0\t([^\0]*)\0")


@dataclass
class Listing:
    files: list[str]  # sorted
    links: list[str]  # sorted
    stats: dict[str, os.stat_result]  # of every file git does not vouch for
    vouched: dict[str, str] = field(default_factory=dict)  # path -> SHA-1 blob id (hex) of its unchanged content
    note: str | None = None  # why git could not answer, for the officer
    index_key: bytes | None = None  # a hash of git's index listing: same key, same vouched paths and blob ids


def blob_id(raw: bytes) -> bytes:
    """git's SHA-1 object id of a file's bytes (what the index records for it)."""
    h = hashlib.sha1(b"blob %d\0" % len(raw), usedforsecurity=False)
    h.update(raw)
    return h.digest()


def index_key_of(index: bytes) -> bytes:
    """Identifies git's index listing (paths, modes, blob ids, flags): equal keys, equal vouched contents."""
    return hashlib.blake2b(index, digest_size=16).digest()


def start_listing(root: Path) -> Callable[[], Listing]:
    """Start git now (it works while the caller reads its cache); the returned function waits and lists."""
    if not os.path.exists(os.path.join(root, ".git")):
        return lambda: _stat_listing(root)
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION}
    env["GIT_OPTIONAL_LOCKS"] = "0"  # never write the index: another git command may be running
    commands = (["git", "ls-files", "-z", "-s", "-v", "--", *TOPS],
                ["git", "diff-files", "-z", "--name-only", "--", *TOPS],
                ["git", "ls-files", "-z", "--others", "--", *TOPS])  # ignored files too: they are on disk
    try:
        processes = [subprocess.Popen(c, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE) for c in commands]
    except OSError as err:
        note = f"không chạy được git ({err.strerror or err})"
        return lambda: _stat_listing(root, note)

    def wait() -> Listing:
        answers = [(process.communicate(), process.returncode) for process in processes]
        for (_out, err), code in answers:
            if code != 0:
                first = (err.decode("utf-8", "replace").strip().splitlines() or [""])[0][:200]
                return _stat_listing(root, f"git thất bại: {first}")
        # as os.fsdecode names files: a byte that is not UTF-8 becomes a lone surrogate
        texts = (out.decode("utf-8", "surrogateescape") for (out, _err), _code in answers)
        return _git_listing(root, *texts, index_key=index_key_of(answers[0][0][0]))
    return wait


def _stat_listing(root: Path, note: str | None = None) -> Listing:
    stats: dict[str, os.stat_result] = {}
    files, links = discover(root, stats)
    return Listing(files, links, stats, note=note)


def _git_listing(root: Path, index: str, modified: str, others: str, index_key: bytes | None = None) -> Listing:
    vouched = {path: oid for oid, path in _PLAIN.findall(index)}  # one C pass for the usual entries
    if len(vouched) != index.count("\0"):  # some entry is not a plain cached file: look at each
        entries = _ENTRY.findall(index)
        if any(len(oid) != 40 for _tag, _mode, oid, _stage, _path in entries):
            return _stat_listing(root, "kho git dùng mã SHA-256, chưa hỗ trợ")
        vouched = {path: oid for tag, mode, oid, stage, path in entries
                   if tag == "H" and stage == "0" and mode in _FILE_MODES}
        unsure = {path for _tag, _mode, _oid, _stage, path in entries if path not in vouched}
    else:
        unsure = set()
    unsure.update(modified.split("\0"), others.split("\0"))
    unsure.update(path for path in vouched if "/media/" in path and is_media(path))  # stat-ed, see photos
    unsure.discard("")
    for path in unsure:
        vouched.pop(path, None)
    found: set[str] = set()  # a folder git names may hold files it names too (untracked, inside it)
    links: set[str] = set()
    stats: dict[str, os.stat_result] = {}
    for path in unsure:
        _look(root, path, found, links, stats)
    return Listing(sorted([*vouched, *found]), sorted(links), stats, vouched, index_key=index_key)


def _look(root: Path, rel: str, files: set[str], links: set[str], stats: dict[str, os.stat_result]) -> None:
    """What is on disk at a path git does not vouch for: a file, a link, a folder (a submodule, or a file
    replaced by a folder: walked), or nothing (deleted)."""
    path = os.path.join(root, rel)
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode):
        links.add(rel)
    elif stat.S_ISREG(st.st_mode):
        files.add(rel)
        stats[rel] = st
    elif stat.S_ISDIR(st.st_mode):
        with os.scandir(path) as entries:
            names = [entry.name for entry in entries]
        for name in names:
            _look(root, f"{rel}/{name}", files, links, stats)
