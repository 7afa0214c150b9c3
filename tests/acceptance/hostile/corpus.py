"""The hostile corpus as data: case folders, the tree each one describes, pathological files made at test time.

Shared by test_hostile.py (validation, build) and test_fmt.py (formatting the parseable cases).
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import yaml

from ocop_testing import FIXTURES, build_case_tree, tree_digest

HERE = Path(__file__).resolve().parent
BASE = FIXTURES / "rules" / "valid"
CASE_DIRS = sorted(p for p in (HERE / "cases").iterdir() if (p / "expect.yaml").is_file())
TODAY = "2026-11-23"
ONE_MB = 1024 * 1024
TEN_MB = 10 * 1024 * 1024


def expect_of(case_dir: Path) -> dict:
    return yaml.safe_load((case_dir / "expect.yaml").read_text("utf-8"))


def generated(kind: str, original: str) -> bytes:
    """Pathological files, made here so the repository never holds them."""
    lines = original.split("\n")
    if kind in ("deep-flow", "deep-flow-100k"):
        desc = next(i for i, line in enumerate(lines) if line.startswith("description:"))
        depth = 100 if kind == "deep-flow" else 100_000
        lines[desc] = "description: " + "[" * depth + "x" + "]" * depth
        return "\n".join(lines).encode()
    if kind == "deep-block":
        nested = "".join("  " * (i + 1) + f"k{i}:\n" for i in range(50)) + "  " * 51 + "x\n"
        return (original.rstrip("\n") + "\nextra:\n" + nested).encode()
    if kind == "big":  # 10 MB of ordinary-looking records text
        filler = "".join(f"  - Dòng ghi chú số {i} của hồ sơ.\n" for i in range(TEN_MB // 30))
        return (original + "notes:\n" + filler).encode()[: TEN_MB + 100]
    if kind == "list-2000-names":  # as long as the loader allows, each item a photo that does not exist
        kept = "\n".join(line for line in lines if not line.startswith("photos:")).rstrip("\n") + "\n"
        return (kept + "photos: [" + ",".join(["a"] * 2000) + "]\n").encode()
    if kind in ("list-of-numbers", "list-of-names"):  # just under 1 MB: half a million list items
        item = "1" if kind == "list-of-numbers" else "a"
        kept = "\n".join(line for line in lines if not line.startswith("photos:")).rstrip("\n") + "\n"
        count = (ONE_MB - len(kept.encode()) - 64) // 2
        return (kept + "photos: [" + ",".join([item] * count) + "]\n").encode()
    if kind == "big-line":
        return (original.rstrip("\n") + "\nnote: " + "x" * TEN_MB + "\n").encode()
    raise ValueError(kind)


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese typists produce it: precomposed base letters, combining tone marks."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b"))
            out += (letter + "".join(m for m in marks if m not in "\u0302\u0306\u031b")).encode("cp1258")
    return bytes(out)


def encoded(text: str, encoding: str) -> bytes:
    if encoding == "cp1258":
        return cp1258(text)
    if encoding == "nfd":
        return unicodedata.normalize("NFD", text).encode("utf-8")
    return text.encode(encoding, errors="replace")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Kiểm thử", "-c", "user.email=test@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=root, capture_output=True, check=True)


def prepare(case_dir: Path, root: Path) -> dict:
    """The case's tree at `root` (with a base commit tagged `base` when the case is about history)."""
    expect = expect_of(case_dir)
    if expect.get("git"):
        shutil.copytree(BASE, root)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "base")
        git(root, "tag", "base")
        edited = root.parent / "edited"
        build_case_tree(case_dir, BASE, edited)
        apply_edits(edited, expect)
        shutil.rmtree(root / "registry")
        shutil.copytree(edited / "registry", root / "registry", symlinks=True)
    else:
        build_case_tree(case_dir, BASE, root)
        apply_edits(root, expect)
    return expect


def apply_edits(root: Path, expect: dict) -> None:
    for rel, pairs in expect.get("edits", {}).items():
        path = root / rel
        text = path.read_text("utf-8")
        for old, new in pairs:
            text = text.replace(old, new)
        path.write_text(text, "utf-8")
    for rel, kind in expect.get("generate", {}).items():
        (root / rel).write_bytes(generated(kind, (BASE / rel).read_text("utf-8")))
    for rel, encoding in expect.get("encode", {}).items():
        (root / rel).write_bytes(encoded((root / rel).read_text("utf-8"), encoding))


def digest(root: Path) -> dict[str, str]:
    """Every input file; git's own index (refreshed by `git diff`) is not an input."""
    return {rel: h for rel, h in tree_digest(root).items() if not rel.startswith(".git/")}


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") + 1


def assert_findings_in_files(root: Path, findings: list[dict]) -> None:
    for f in findings:
        assert f["file"] and f["message"] and f["line"] >= 1 and f["column"] >= 1, f
        path = root / f["file"]
        if path.is_file() and not path.is_symlink():
            assert f["line"] <= line_count(path), f
