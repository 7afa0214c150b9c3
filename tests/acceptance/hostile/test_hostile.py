"""The hostile corpus: every case yields its rule at its file and line, in bounded time and memory,
changes no file, runs nothing, and `ocop build` refuses it (errors) or shows it escaped (warnings).

Cases live in tests/acceptance/hostile/cases/<name>/ (overlay/ + expect.yaml, as in tests/fixtures/*/cases, over
tests/fixtures/rules/valid; `images` makes photos at test time); regenerate them with make_cases.py. Extra
expect keys read here: `generate` (pathological files made at test time), `encode` (re-encode a file), `git`
(validate against a base commit), `measure` (time and memory in a subprocess), `build` (rendered in the site test).
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
from pathlib import Path

import pytest

from acceptance.hostile.corpus import (
    BASE,
    CASE_DIRS,
    HERE,
    TODAY,
    assert_findings_in_files,
    digest,
    expect_of,
    prepare,
)
from ocop.check import rules as checks
from ocop.config import BuildConfig
from ocop.findings import RULES
from ocop.publish.build import build_site
from ocop_testing import validate_json


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
    result = build_site(BuildConfig(root, dt.date.fromisoformat(today), out=out, pagefind=False, documents=False,
                                    use_cache=False), log=log)
    assert not result.ok
    assert "không dựng trang web" in log.getvalue()
    assert not (out / "site").exists() and not (out / "docs").exists()


MEASURE = """
import datetime as dt, json, sys, time
from pathlib import Path
from ocop.load import load_document
from ocop.check.pipeline import validate
from ocop.config import RunConfig
root, rel = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
doc = load_document(root / rel, rel)
loaded = time.perf_counter()
outcome = validate(RunConfig(root, today=dt.date(2026, 11, 23), use_cache=False))
elapsed = time.perf_counter() - loaded
# VmHWM is this process image's own peak; ru_maxrss would carry the forking pytest's size across exec
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"file_seconds": loaded - start, "tree_seconds": elapsed, "peak_mb": peak_kb / 1024,
                  "rules": sorted({f.rule for f in outcome.findings}), "findings": len(outcome.findings)}))
"""


@pytest.mark.parametrize("case_dir", [c for c in CASE_DIRS if expect_of(c).get("measure")], ids=lambda p: p.name)
def test_bounded_time_and_memory(tmp_path: Path, case_dir: Path) -> None:
    """Bombs, deep nesting and 10 MB files: the file is refused in under 1 s, the whole run peaks under
    200 MB (RSS of the process, interpreter and schemas included) and validating the tree stays bounded.
    A file within the size limit but holding half a million items: the tree validates in 5 s and 300 MB,
    with a bounded number of findings (20 a rule and file, then one that says how many more)."""
    root = tmp_path / "tree"
    expect = prepare(case_dir, root)
    env = {**os.environ, "PYTHONPATH": str(HERE.parents[2] / "tools")}
    run = subprocess.run([sys.executable, "-c", MEASURE, str(root), expect["file"]], capture_output=True, text=True, env=env,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    stats = json.loads(run.stdout)
    assert expect["rule"] in stats["rules"]
    assert stats["file_seconds"] < expect.get("max_file_seconds", 1.0), stats
    assert stats["tree_seconds"] < expect.get("max_seconds", 10.0), stats
    assert stats["peak_mb"] < expect.get("max_mb", 200), stats
    assert stats["findings"] <= expect.get("max_findings", 100), stats


BUILD_CASES = [c for c in CASE_DIRS if expect_of(c).get("build")]


@pytest.mark.slow
def test_markup_is_built_escaped(tmp_path: Path) -> None:
    """One site build over all representative markup cases (a build takes seconds)."""
    root = tmp_path / "tree"
    shutil.copytree(BASE, root)
    for case_dir in BUILD_CASES:
        if (case_dir / "overlay").is_dir():  # files the case adds (plans: the base tree has none)
            shutil.copytree(case_dir / "overlay", root, dirs_exist_ok=True)
        for rel, pairs in expect_of(case_dir).get("edits", {}).items():
            path = root / rel
            text = path.read_text("utf-8")
            for old, new in pairs:
                text = text.replace(old, new)
            path.write_text(text, "utf-8")
    before = digest(root)
    result = build_site(BuildConfig(root, dt.date.fromisoformat(TODAY), out=tmp_path / "out", pagefind=False,
                                    documents=False, use_cache=False), log=io.StringIO())
    assert result.ok
    assert digest(root) == before
    pages = {p: p.read_text("utf-8") for p in result.site.rglob("*.html")}
    everything = "\n".join(pages.values())
    for needle in ("&lt;script&gt;alert(", "&lt;img src=x onerror=alert(1)&gt;", "&lt;iframe src=",
                   "&lt;svg/onload=alert(1)&gt;", "&lt;/title&gt;&lt;script&gt;alert(4)", "&lt;svg onload=alert(5)&gt;"):
        assert needle in everything, needle
    for raw in ("<script>alert(", "<img src=x onerror", "<iframe src=\"https://evil", "onerror=alert(1)>",
                "<svg/onload=", "<svg onload=", "</title><script>"):
        assert raw not in everything, raw
    plans = [p for p in pages if p.parent.parent.name == "ke-hoach"]  # the plan cases reached their pages
    assert len(plans) == 2 and all("alert(4)" in pages[p] or "alert(5)" in pages[p] for p in plans)
