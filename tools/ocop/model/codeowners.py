"""CODEOWNERS generated from registry/provinces.yaml, and read back the way GitHub reads it.

Every path has an owner. The national team (`national_team` in provinces.yaml) owns everything by default:
the checking code, the schemas, the rule data, CI and CODEOWNERS itself, provinces.yaml. Each province team
owns its registry folder and its plans (`/plans/kh-<slug>-*`). In CODEOWNERS the last matching line wins,
so the province lines follow the default, and the paths that must stay national whatever a province is
called (provinces.yaml, the future registry/keys/) come last.

The matcher follows GitHub's documented syntax (gitignore-like; no `!` negation, no `[ ]` ranges, `\\#`
for a literal #) and is tested against the `codeowners` package on the repository's files.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ocop.model.layout import SLUG
from ocop.model.registry import Registry

PATH = ".github/CODEOWNERS"
COMMAND = "ocop codeowners --write"
HEADER = (
    "# Tệp sinh tự động từ registry/provinces.yaml — không sửa tay.\n"
    f"# Sau khi sửa danh sách tỉnh hoặc nhóm phụ trách, chạy: {COMMAND}\n"
    "# Generated from registry/provinces.yaml; regenerate with the command above.\n"
    "# Dòng sau thắng dòng trước (later lines win).\n"
)
ALWAYS_NATIONAL = ("/registry/provinces.yaml", "/registry/keys/")
# A GitHub owner as CODEOWNERS accepts it: @user or @organisation/team.
OWNER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?")
_SLUG = re.compile(SLUG)
# Generated and installed folders, never committed: not walked when the tree is not a git checkout.
NOT_TRACKED = frozenset({".git", "build", ".venv", "node_modules"})


def national_team(registry: Registry) -> str | None:
    """The team that owns everything no province owns, when provinces.yaml names a valid one."""
    data = registry.provinces_doc.data if registry.provinces_doc else None
    team = data.get("national_team") if isinstance(data, dict) else None
    return team if isinstance(team, str) and OWNER.fullmatch(team) else None


def province_teams(registry: Registry) -> list[tuple[str, str]]:
    """(slug, team) of each province whose slug and team can be written into CODEOWNERS as they are."""
    out = []
    for province in registry.provinces:
        if not isinstance(province, dict):
            continue
        slug, team = province.get("slug"), province.get("team")
        if isinstance(slug, str) and _SLUG.fullmatch(slug) and isinstance(team, str) and OWNER.fullmatch(team):
            out.append((slug, team))
    return out


def problems(registry: Registry) -> list[tuple[tuple, str]]:
    """What in provinces.yaml keeps CODEOWNERS from giving every path its owner: (key path, Vietnamese message)."""
    data = registry.provinces_doc.data if registry.provinces_doc else None
    out: list[tuple[tuple, str]] = []
    if national_team(registry) is None:
        value = data.get("national_team") if isinstance(data, dict) else None
        out.append((("national_team",), "Thiếu national_team (nhóm trung ương duyệt mã, lược đồ, CI và danh sách tỉnh)."
                    if value is None else f"national_team «{value!s:.80}» không phải nhóm GitHub dạng @tổ-chức/nhóm."))
    for i, province in enumerate(registry.provinces):
        if not isinstance(province, dict):
            continue
        slug, team = province.get("slug"), province.get("team")
        if not (isinstance(slug, str) and _SLUG.fullmatch(slug)):
            out.append((("provinces", i, "slug"), f"slug «{slug!s:.80}» không phải tên thư mục chữ thường không dấu."))
        elif team is not None and not (isinstance(team, str) and OWNER.fullmatch(team)):
            out.append((("provinces", i, "team"), f"team «{team!s:.80}» của {slug} không phải nhóm GitHub dạng @tổ-chức/nhóm."))
    return out


def render(registry: Registry) -> str:
    """The national default, then one line per province folder and per province's plans, then the paths
    that stay national. Plan lines go from the shortest slug to the longest: `kh-ha-*` must not win over
    a later province `ha-noi`'s `kh-ha-noi-*`."""
    national = national_team(registry)
    teams = province_teams(registry)
    lines = [HEADER]
    if national:
        lines.append("\n# Mặc định: nhóm trung ương (mã kiểm tra, lược đồ, dữ liệu quy tắc, CI, danh sách tỉnh).\n")
        lines.append(f"* {national}\n")
    lines.append("\n# Mỗi tỉnh: thư mục hồ sơ và kế hoạch của mình.\n")
    lines.extend(f"/registry/{slug}/ {team}\n" for slug, team in teams)
    lines.extend(f"/plans/kh-{slug}-* {team}\n" for slug, team in sorted(teams, key=lambda st: len(st[0])))
    if national:
        lines.append("\n# Luôn do nhóm trung ương duyệt.\n")
        lines.extend(f"{pattern} {national}\n" for pattern in ALWAYS_NATIONAL)
    return "".join(lines)


@dataclass(frozen=True)
class Entry:
    """One rule of a CODEOWNERS file: its pattern, its owners (none: the path is unowned) and its line."""

    pattern: str
    owners: tuple[str, ...]
    line: int


def parse(text: str) -> list[Entry]:
    """The rules of a CODEOWNERS text, in file order. Owners that GitHub would not accept are dropped."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = re.split(r"(?<!\\)\s+", line)  # `\ ` is a space inside a pattern
        owners = []
        for word in words[1:]:
            if word.startswith("#"):
                break
            if OWNER.fullmatch(word) or re.fullmatch(r"[^@\s]+@[^@\s]+", word):
                owners.append(word)
        entries.append(Entry(words[0], tuple(owners), number))
    return entries


def pattern_regex(pattern: str) -> str:
    """A regex matching a repository-relative file path when `pattern` covers it: the path itself or a
    folder above it. Anchored at the start (a pattern without an inner slash may match at any depth)."""
    anchored = "/" in pattern.rstrip("/")
    is_dir = pattern.endswith("/")
    body = pattern.strip("/")
    only_files_here = pattern.endswith("/*")
    out, i = [], 0
    while i < len(body):
        char = body[i]
        if body.startswith("**", i):
            at_start, at_end = i == 0 or body[i - 1] == "/", i + 2 == len(body) or body[i + 2] == "/"
            if at_start and at_end:
                if i + 2 < len(body):  # `**/`: any number of folders
                    out.append("(?:.*/)?")
                    i += 3
                else:
                    out.append(".*")
                    i += 2
                continue
            out.append("[^/]*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "\\" and i + 1 < len(body):
            out.append(re.escape(body[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    suffix = "/.*" if is_dir else "" if only_files_here else "(?:/.*)?"
    return prefix + "".join(out) + suffix


def matcher(entries: list[Entry]) -> Callable[[str], Entry | None]:
    """path → the entry that decides its owners (the last one matching), or None. One regex: alternatives
    in reverse file order, each anchored, so the first alternative that matches is the last entry."""
    if not entries:
        return lambda path: None
    ordered = entries[::-1]
    combined = re.compile("|".join(f"(?P<e{i}>{pattern_regex(e.pattern)})" for i, e in enumerate(ordered)),
                          re.DOTALL)

    def match(path: str) -> Entry | None:
        found = combined.fullmatch(path)
        return ordered[int(found.lastgroup[1:])] if found and found.lastgroup else None
    return match


def unowned(entries: list[Entry], paths: Iterable[str]) -> list[str]:
    """The paths that no entry gives an owner (none matches, or the last match lists no owner)."""
    decide = matcher(entries)
    return [path for path in paths if not ((entry := decide(path)) and entry.owners)]


def covers_everything(entries: list[Entry]) -> bool:
    """True when a catch-all with owners is never overridden by an ownerless line: no path can be unowned,
    whatever files the tree holds (the generated file's case; the file walk is then skipped)."""
    last_catch_all = max((i for i, e in enumerate(entries) if e.pattern in ("*", "**", "/**") and e.owners), default=None)
    return last_catch_all is not None and all(e.owners for e in entries[last_catch_all:])


def tracked_files(root: Path) -> list[str]:
    """The files a pull request can change: `git ls-files` (tracked, and untracked but not ignored) when the
    root is a git work tree; else every file below it, less generated and installed folders."""
    try:
        run = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                             capture_output=True)
    except OSError:
        run = None
    if run is not None and run.returncode == 0:
        return sorted({os.fsdecode(name) for name in run.stdout.split(b"\0") if name})
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in NOT_TRACKED]
        rel = os.path.relpath(folder, root)
        files.extend(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/") for name in names)
    return sorted(files)

