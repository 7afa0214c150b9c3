"""The hostile corpus: every case yields its rule at its file and line, in bounded time and memory,
changes no file, runs nothing, and `ocop build` refuses it (errors) or shows it escaped (warnings).

Cases live in tests/hostile/cases/<name>/ (overlay/ + expect.yaml, as in tests/fixtures/*/cases, over
tests/fixtures/rules/valid); regenerate them with make_cases.py. Extra expect keys read here:
`generate` (pathological files made at test time), `encode` (re-encode a file), `git` (validate
against a base commit), `measure` (time and memory in a subprocess), `build` (rendered in the site test).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import yaml

from ocop import checks
from ocop.findings import RULES
from ocop.site.build import build_site
from ocop_testing import FIXTURES, build_case_tree, tree_digest, validate_json

HERE = Path(__file__).resolve().parent
BASE = FIXTURES / "rules" / "valid"
CASE_DIRS = sorted(p for p in (HERE / "cases").iterdir() if (p / "expect.yaml").is_file())
TODAY = "2026-11-23"
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


def test_corpus_size_and_rules() -> None:
    checks.families()  # registers every family's rules
    assert len(CASE_DIRS) >= 60
    for case_dir in CASE_DIRS:
        assert expect_of(case_dir)["rule"] in RULES, case_dir.name


@pytest.mark.parametrize("case_dir", CASE_DIRS, ids=lambda p: p.name)
def test_hostile_case(capsys: pytest.CaptureFixture, tmp_path: Path, case_dir: Path,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "tree"
    expect = prepare(case_dir, root)
    monkeypatch.chdir(tmp_path)  # a tag that ran code would leave PWNED here
    before = digest(root)
    extra = ["--base", "base"] if expect.get("git") else []
    start = time.perf_counter()
    code, findings = validate_json(capsys, root, "--today", expect.get("today", TODAY), *extra)
    elapsed = time.perf_counter() - start
    matching = [f for f in findings if f["rule"] == expect["rule"] and f["file"] == expect["file"]]
    assert matching, f"expected {expect['rule']} in {expect['file']}, got {findings}"
    assert expect["line"] in [f["line"] for f in matching], matching
    assert code == expect["exit"], findings
    assert elapsed < 5, f"validation took {elapsed:.1f} s"
    assert_findings_in_files(root, findings)
    assert digest(root) == before, "validation modified a file"
    assert not (tmp_path / "PWNED").exists() and not (root / "PWNED").exists()
    if code == 1 and not expect.get("git"):
        assert_build_refuses(root, tmp_path / "out", expect.get("today", TODAY))
        assert digest(root) == before, "the build modified a file"


def assert_build_refuses(root: Path, out: Path, today: str) -> None:
    """A tree with errors never reaches the site generator."""
    log = io.StringIO()
    result = build_site(root, dt.date.fromisoformat(today), out=out, pagefind=False, documents=False,
                        use_cache=False, log=log)
    assert not result.ok
    assert "không dựng trang web" in log.getvalue()
    assert not (out / "site").exists() and not (out / "docs").exists()


MEASURE = """
import json, resource, sys, time
from pathlib import Path
from ocop.validate import validate
start = time.perf_counter()
outcome = validate(Path(sys.argv[1]), today="2026-11-23", use_cache=False)
elapsed = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mb": peak_kb / 1024, "rules": sorted({f.rule for f in outcome.findings})}))
"""


@pytest.mark.parametrize("case_dir", [c for c in CASE_DIRS if expect_of(c).get("measure")], ids=lambda p: p.name)
def test_bounded_time_and_memory(tmp_path: Path, case_dir: Path) -> None:
    """Bombs, deep nesting and 10 MB files: under 1 s and 200 MB (peak RSS of the whole process)."""
    root = tmp_path / "tree"
    expect = prepare(case_dir, root)
    env = {**os.environ, "PYTHONPATH": str(HERE.parents[1] / "tools")}
    run = subprocess.run([sys.executable, "-c", MEASURE, str(root)], capture_output=True, text=True, env=env,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    stats = json.loads(run.stdout)
    assert expect["rule"] in stats["rules"]
    assert stats["seconds"] < 1.0, stats
    assert stats["peak_mb"] < 200, stats


BUILD_CASES = [c for c in CASE_DIRS if expect_of(c).get("build")]


@pytest.mark.slow
def test_markup_is_built_escaped(tmp_path: Path) -> None:
    """One site build over all representative markup cases (a build takes seconds)."""
    root = tmp_path / "tree"
    shutil.copytree(BASE, root)
    for case_dir in BUILD_CASES:
        for rel, pairs in expect_of(case_dir).get("edits", {}).items():
            path = root / rel
            text = path.read_text("utf-8")
            for old, new in pairs:
                text = text.replace(old, new)
            path.write_text(text, "utf-8")
    before = digest(root)
    result = build_site(root, dt.date.fromisoformat(TODAY), out=tmp_path / "out", pagefind=False, documents=False,
                        use_cache=False, log=io.StringIO())
    assert result.ok
    assert digest(root) == before
    pages = {p: p.read_text("utf-8") for p in result.site.rglob("*.html")}
    everything = "\n".join(pages.values())
    for needle in ("&lt;script&gt;alert(", "&lt;img src=x onerror=alert(1)&gt;", "&lt;iframe src="):
        assert needle in everything, needle
    for raw in ("<script>alert(", "<img src=x onerror", "<iframe src=\"https://evil", "onerror=alert(1)>"):
        assert raw not in everything, raw
