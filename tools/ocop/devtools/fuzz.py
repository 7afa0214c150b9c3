"""Mutation fuzzing of the validator over a copy of the shipped registry.

Each case applies one to three random mutations (flip types, drop keys, inject unicode and markup,
truncate, duplicate keys, swap ids, YAML 1.1 scalars, syntax debris, moves and deletions) to a scratch
copy, validates it in-process (every few cases also through the CLI) and fails on: an exception, exit
code 2 or a traceback, a finding without file or line, a line beyond the end of its file, or any input
file changed by the run. Case i of seed S is reproducible: `python -m ocop.fuzz --seed S --case i`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ocop.check.pipeline import validate
from ocop.config import RunConfig

TODAY = "2026-11-23"
CLI_EVERY = 50  # a subprocess costs ~1 s: the CLI path is sampled, the in-process path runs every case

HOSTILE_SCALARS = [
    "no", "on", "yes", "off", "010", "0x1F", "1e3", "1.0e400", "-1.0e400", "0.1e-400", "-0", "-0.0", "6", "4.5",
    "99999999999999999999999999999", "-1", "0", "~", "null", "''", '""', "[]", "{}", "true", "2024-02-30",
    "24:00", "9999-12-31", "0001-01-01", '"2025-06-31"', '"2024-02-29"', "!!str x", "!!python/object:os.system x",
    "*a", "&a x", "'", '"', "[", "{", "- x", "? x", "#", "@x", "`x`", "%x", "|", ">-", ".inf", ".nan", "NaN",
    '"\\u0000"', '"\\x1b[31m"', '"\\uD800"', "a: b", "x\ty", "ＡＢＣ", "١٢٣", "\u202eevil", "\u200b", "\ufeff",
]
UNICODE_BITS = ["\u0301", "\u0303\u0323", "\u202e", "\u200b", "\ufeff", "\U0001f600", "\u0000", "\u0085", "\u2028",
                "\ud7ff", "e\u0302\u0301", "\u1ec7", "\x7f", "\x1b", "\r", "\t", "\\", "ǅ", "İ", "ß", "\u0130"]
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
          "[x](data:text/html,<b>)", "<div>\n<iframe src=//x></iframe>\n</div>", "{{ 7*7 }}", "{% raw %}",
          "</textarea><svg onload=alert(1)>", "&lt;&amp;", "---\n", "${{ secrets.TOKEN }}"]
DEBRIS = ["&a", "*a", "!!python/object/apply:os.system ['true']", "{", "[", "? ", ": x", "---", "...", "%YAML 1.1",
          "<<: *a", "'", '"', "\t- x", "- - - x", "key: value: other", "!binary AAAA", "@", "|\n  x"]
KEY_LINE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):(?: (.*))?$")


@dataclass
class Scratch:
    """A working copy of the registry whose edits are undone after each case."""

    root: Path
    saved: dict[str, bytes | None] = field(default_factory=dict)  # rel -> original bytes (None: did not exist)
    originals: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.originals = sorted(p.relative_to(self.root).as_posix() for p in (self.root / "registry").rglob("*.yaml"))

    def files(self) -> list[str]:
        """The record files that exist now (mutations delete and move some)."""
        return [rel for rel in self.originals if os.path.isfile(self.root / rel)]

    def read(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def write(self, rel: str, raw: bytes | None) -> None:
        path = self.root / rel
        if rel not in self.saved:
            self.saved[rel] = path.read_bytes() if path.is_file() else None
        if raw is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw)

    def restore(self) -> None:
        for rel, raw in self.saved.items():
            path = self.root / rel
            if raw is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(raw)
        self.saved.clear()


# --- mutations: each edits the scratch copy and returns a short description

def _text_lines(scratch: Scratch, rel: str) -> list[str]:
    return scratch.read(rel).decode("utf-8", errors="replace").split("\n")


def _put_lines(scratch: Scratch, rel: str, lines: list[str]) -> None:
    scratch.write(rel, "\n".join(lines).encode("utf-8", errors="surrogatepass"))


def _key_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if KEY_LINE.match(line)]


def replace_scalar(rng: random.Random, scratch: Scratch, rel: str) -> str:
    lines = _text_lines(scratch, rel)
    candidates = _key_lines(lines)
    if not candidates:
        return "replace_scalar: no key"
    i = rng.choice(candidates)
    m = KEY_LINE.match(lines[i])
    assert m
    value = rng.choice(HOSTILE_SCALARS)
    lines[i] = f"{m.group(1)}{m.group(2)}: {value}"
    _put_lines(scratch, rel, lines)
    return f"replace_scalar {rel}:{i + 1} {value!r}"


def flip_type(rng: random.Random, scratch: Scratch, rel: str) -> str:
    data = _data(scratch, rel)
    if not isinstance(data, dict):
        return "flip_type: not a mapping"
    path = _random_path(rng, data)
    if not path:
        return "flip_type: empty"
    new = rng.choice([0, -3, 4.75, True, None, "", "chữ", [], ["a", 1], {}, {"x": 1}, 10**30, "2024-01-01"])
    _set(data, path, new)
    scratch.write(rel, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode())
    return f"flip_type {rel} {path} -> {new!r}"


def drop_key(rng: random.Random, scratch: Scratch, rel: str) -> str:
    data = _data(scratch, rel)
    if not isinstance(data, dict):
        return "drop_key: not a mapping"
    path = _random_path(rng, data)
    if not path:
        return "drop_key: empty"
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    scratch.write(rel, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode())
    return f"drop_key {rel} {path}"


def inject_text(rng: random.Random, scratch: Scratch, rel: str) -> str:
    lines = _text_lines(scratch, rel)
    candidates = [i for i in _key_lines(lines) if (KEY_LINE.match(lines[i]) or [None] * 4)[3]]
    if not candidates:
        return "inject_text: no value"
    i = rng.choice(candidates)
    bit = rng.choice(UNICODE_BITS + MARKUP)
    pos = rng.randrange(len(lines[i]) + 1)
    lines[i] = lines[i][:pos] + bit + lines[i][pos:]
    _put_lines(scratch, rel, lines)
    return f"inject_text {rel}:{i + 1}@{pos} {bit!r}"


def inject_value(rng: random.Random, scratch: Scratch, rel: str) -> str:
    """A well-formed string value carrying markup or odd unicode (exercises the checks, not the parser)."""
    data = _data(scratch, rel)
    if not isinstance(data, dict):
        return "inject_value: not a mapping"
    path = _random_path(rng, data, strings_only=True)
    if not path:
        return "inject_value: no string"
    value = rng.choice(MARKUP) + rng.choice(UNICODE_BITS[:6]) + " Văn bản"
    _set(data, path, value)
    scratch.write(rel, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", errors="surrogatepass"))
    return f"inject_value {rel} {path}"


def truncate(rng: random.Random, scratch: Scratch, rel: str) -> str:
    raw = scratch.read(rel)
    cut = rng.randrange(len(raw) + 1)
    scratch.write(rel, raw[:cut])
    return f"truncate {rel} at byte {cut}"


def flip_bytes(rng: random.Random, scratch: Scratch, rel: str) -> str:
    raw = bytearray(scratch.read(rel))
    for _ in range(rng.randint(1, 4)):
        if raw:
            raw[rng.randrange(len(raw))] = rng.randrange(256)
    scratch.write(rel, bytes(raw))
    return f"flip_bytes {rel}"


def duplicate_key(rng: random.Random, scratch: Scratch, rel: str) -> str:
    lines = _text_lines(scratch, rel)
    candidates = _key_lines(lines)
    if not candidates:
        return "duplicate_key: no key"
    i = rng.choice(candidates)
    copy = lines[i].replace("- ", "  ", 1) if lines[i].lstrip().startswith("- ") else lines[i]
    lines.insert(i + 1, copy)
    _put_lines(scratch, rel, lines)
    return f"duplicate_key {rel}:{i + 2}"


def debris(rng: random.Random, scratch: Scratch, rel: str) -> str:
    lines = _text_lines(scratch, rel)
    i = rng.randrange(len(lines) + 1)
    piece = rng.choice(DEBRIS)
    lines.insert(i, piece)
    _put_lines(scratch, rel, lines)
    return f"debris {rel}:{i + 1} {piece!r}"


def swap_ids(rng: random.Random, scratch: Scratch, rel: str) -> str:
    other = rng.choice(scratch.files())
    a, b = _id_of(scratch, rel), _id_of(scratch, other)
    if not a or not b or a == b:
        return "swap_ids: no ids"
    for path, old, new in ((rel, a, b), (other, b, a)):
        text = scratch.read(path).decode("utf-8", errors="replace")
        scratch.write(path, text.replace(f"id: {old}", f"id: {new}", 1).encode())
    return f"swap_ids {rel} <-> {other}"


def relocate(rng: random.Random, scratch: Scratch, rel: str) -> str:
    """Move, copy or delete the file; or put it somewhere odd."""
    raw = scratch.read(rel)
    parts = rel.split("/")
    province = rng.choice(["ha-noi", "hai-phong", "trung-uong", "khong-co", "HA-NOI"])
    target = rng.choice([
        "/".join([parts[0], province, *parts[2:]]),
        rel.replace(".yaml", ".yml"),
        "/".join([*parts[:-1], "2099", parts[-1]]),
        "registry/" + parts[-1],
        "/".join([*parts[:-1], "ẩn " + parts[-1]]),
    ])
    action = rng.choice(["move", "copy", "delete"])
    if action != "delete" and (scratch.root / target).is_dir():  # registry/provinces.yaml → registry/<province>
        return f"relocate: {target} is a folder"
    if action != "copy":
        scratch.write(rel, None)
    if action != "delete":
        scratch.write(target, raw)
    return f"relocate {action} {rel} -> {target}"


MUTATIONS: list[Callable[[random.Random, Scratch, str], str]] = [
    replace_scalar, replace_scalar, flip_type, drop_key, inject_text, inject_value, truncate, flip_bytes,
    duplicate_key, debris, swap_ids, relocate,
]


def _id_of(scratch: Scratch, rel: str) -> str | None:
    m = re.search(rb"^id: ([a-z0-9-]+)\s*$", scratch.read(rel), re.M)
    return m.group(1).decode() if m else None


def _data(scratch: Scratch, rel: str) -> object:
    try:
        return yaml.safe_load(scratch.read(rel))
    except Exception:  # the file is already broken by an earlier mutation
        return None


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    out = [path] if path else []
    if isinstance(value, dict):
        out += [p for k, v in value.items() for p in _paths(v, (*path, k))]
    elif isinstance(value, list):
        out += [p for i, v in enumerate(value) for p in _paths(v, (*path, i))]
    return out


def _get(data: object, path: tuple) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def _random_path(rng: random.Random, data: dict, strings_only: bool = False) -> tuple:
    paths = [p for p in _paths(data) if not strings_only or isinstance(_get(data, p), str)]
    return rng.choice(paths) if paths else ()


def _set(data: object, path: tuple, value: object) -> None:
    parent = _get(data, path[:-1])
    parent[path[-1]] = value  # type: ignore[index]


# --- checking one case

def tree_digest(root: Path) -> dict[str, tuple[int, int, int]]:
    """(size, mtime, inode) of every input file: any write by the validator changes one of them."""
    out = {}
    for top in ("registry", "plans"):
        for folder, _dirs, names in os.walk(root / top):
            for name in names:
                st = os.lstat(os.path.join(folder, name))
                out[os.path.join(folder, name)] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return out


def finding_problems(root: Path, findings: list[dict]) -> list[str]:
    problems = []
    for f in findings:
        if not f.get("file") or not isinstance(f.get("line"), int) or f["line"] < 1 or f.get("column", 0) < 1:
            problems.append(f"finding without file/line: {f}")
            continue
        path = root / f["file"]
        if path.is_file() and not path.is_symlink():
            lines = path.read_bytes().count(b"\n") + 1
            if f["line"] > lines:
                problems.append(f"line {f['line']} beyond the {lines} lines of {f['file']}: {f['rule']}")
    return problems


def run_case(scratch: Scratch, seed: int, index: int, use_cli: bool) -> tuple[list[str], list[str]]:
    """Mutate, validate, check. Returns (mutations applied, problems found)."""
    rng = random.Random(seed * 1_000_003 + index)
    files = scratch.files()
    applied = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        mutation = rng.choice(MUTATIONS)
        live = scratch.files() if applied else files
        if not live:
            break
        target = rng.choice(live)
        applied.append(mutation(rng, scratch, target))
    before = tree_digest(scratch.root)
    problems: list[str] = []
    try:
        outcome = validate(RunConfig(scratch.root, today=dt.date.fromisoformat(TODAY)))
        problems += finding_problems(scratch.root, [f.to_dict() for f in outcome.findings])
    except Exception:
        problems.append("exception:\n" + traceback.format_exc())
    if use_cli:
        problems += _cli_problems(scratch.root)
    if tree_digest(scratch.root) != before:
        problems.append("an input file was modified by validation")
    return applied, problems


def _cli_problems(root: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run([sys.executable, "-m", "ocop.cli.main", "--root", str(root), "validate", "--format", "json",
                          "--no-cache", "--today", TODAY], capture_output=True, text=True, env=env, timeout=120)
    if run.returncode not in (0, 1) or "Traceback" in run.stderr:
        return [f"CLI exit {run.returncode}: {run.stderr.strip()[-2000:]}"]
    try:
        return finding_problems(root, json.loads(run.stdout))
    except json.JSONDecodeError:
        return [f"CLI printed no JSON: {run.stdout[:500]!r}"]


@dataclass
class Summary:
    cases: int = 0
    failures: list[tuple[int, list[str], list[str]]] = field(default_factory=list)
    seconds: float = 0.0


def fuzz(source: Path, cases: int, seed: int, only: int | None = None, log=sys.stdout) -> Summary:
    summary = Summary()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ocop-fuzz-") as tmp:
        root = Path(tmp)
        for top in ("registry", "plans"):
            if (source / top).is_dir():
                shutil.copytree(source / top, root / top)
        scratch = Scratch(root)
        validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))  # warm the cache: each case then re-reads only what it mutated
        indexes = [only] if only is not None else range(cases)
        for index in indexes:
            applied, problems = run_case(scratch, seed, index, use_cli=index % CLI_EVERY == CLI_EVERY - 1)
            summary.cases += 1
            if problems:
                summary.failures.append((index, applied, problems))
                log.write(f"fuzz: case {index} FAILED (--seed {seed} --case {index})\n  "
                          + "\n  ".join(applied) + "\n  " + "\n  ".join(problems) + "\n")
            scratch.restore()
    summary.seconds = time.perf_counter() - start
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ocop.fuzz", description="Fuzz trình kiểm tra bằng các biến đổi ngẫu nhiên của sổ đăng ký.")
    parser.add_argument("--cases", type=int, default=200, help="số ca thử (mặc định 200)")
    parser.add_argument("--seed", type=int, default=None, help="hạt giống ngẫu nhiên (mặc định: theo thời gian)")
    parser.add_argument("--case", type=int, default=None, help="chỉ chạy lại một ca (cùng --seed)")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="kho có registry/ (mặc định: thư mục hiện tại)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time()) % 100_000
    summary = fuzz(args.root.resolve(), args.cases, seed, args.case)
    print(f"fuzz: seed {seed}, {summary.cases} cases tried, {len(summary.failures)} failures, {summary.seconds:.1f} s")
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
