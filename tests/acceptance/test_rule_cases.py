"""Every rule case (tests/fixtures/*/cases/<CASE>/) yields exactly the findings its expect.yaml lists, and the
positive base trees yield none.

A case fails on a missing finding and on an extra one: (rule, file, line, column, severity) are compared as a
multiset. It also fails on another exit code, or when validation changed a file of the tree. The expect.yaml
format is described in tests/fixtures/rules/README.md.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from ocop_testing import CASE_ROOTS, build_case_tree, run_cli, tree_digest, validate_json

TODAY = "2026-11-23"
KEYS = ("rule", "file", "line", "column", "severity")
CASES = [case for root in CASE_ROOTS for case in sorted(root.iterdir()) if case.is_dir()]


@pytest.mark.parametrize("base", [root.parent / "valid" for root in CASE_ROOTS], ids=lambda p: p.parent.name)
def test_valid_base_tree_is_clean(capsys: pytest.CaptureFixture, base: Path) -> None:
    code, findings = validate_json(capsys, base, "--today", TODAY)
    assert findings == []
    assert code == 0


def difference(expected: list[dict], actual: list[dict]) -> tuple[list[tuple], list[tuple]]:
    """(missing, extra): expected findings not reported, and reported findings not expected, as key tuples."""
    want = Counter(tuple(f[k] for k in KEYS) for f in expected)
    got = Counter(tuple(f[k] for k in KEYS) for f in actual)
    return sorted((want - got).elements()), sorted((got - want).elements())


def test_difference_counts_repeats() -> None:
    a = {"rule": "AUTH-LEVEL", "file": "x.yaml", "line": 17, "column": 77, "severity": "error"}
    b = {**a, "line": 18}
    assert difference([a, b], [a, b]) == ([], [])
    assert difference([a, a], [a]) == ([tuple(a.values())], [])
    assert difference([a], [a, {**a, "message": "…"}]) == ([], [tuple(a.values())])
    assert difference([a], [{**a, "severity": "warning"}]) == ([tuple(a.values())], [(*tuple(a.values())[:4], "warning")])


def inputs_digest(root: Path) -> dict[str, str]:
    """Every file validation reads; git's own files (its index is refreshed by `git diff`) are not inputs."""
    return {rel: h for rel, h in tree_digest(root).items() if not rel.startswith(".git/")}


def run_case(capsys: pytest.CaptureFixture, root: Path, expect: dict) -> tuple[int, list[dict]]:
    """Run the case's command on its tree; return the exit code and the findings.

    `ocop validate` by default. `ocop expiry` reports LIFECYCLE-EXPIRED and -EXPIRING, which validate does not
    (expiry is a fact about the date, not an error in the records): its findings are read from its GitHub
    annotations, the only output that names them. `ocop build` reports what only publishing finds
    (DOC-RENDER) in its terminal lines on stderr. `ocop import --dry-run` reads the case's spreadsheet (made
    from its `sheet` key) and reports the IMPORT-* rules at cells (file = the spreadsheet, line = row).
    """
    command = expect.get("command", "validate")
    formats = {"validate": ["--format", "json", "--no-cache"], "expiry": ["--format", "github"],
               "build": ["--no-search"], "import": ["--format", "json", "--dry-run"]}
    assert command in formats, f"unknown command {command!r}"
    target = [str(root / expect["sheet"]["path"])] if command == "import" else []
    if target and target[0].endswith(".json"):
        target.insert(0, "ocop-vn")  # the national system's product list
    argv = ["--root", str(root), command, *target, *formats[command], "--today", str(expect.get("today", TODAY)),
            *(str(a) for a in expect.get("args", []))]
    if expect.get("unreadable"):
        for rel in expect["unreadable"]:
            assert not readable_by_child(root / rel), f"{rel} is still readable: the case cannot test what it says"
        code, out, err = run_child(argv)
    else:
        code, out, err = run_cli(capsys, *argv)
    assert code in (0, 1), err
    if command == "build":
        return code, terminal_findings(err)
    if command == "import":
        return code, json.loads(out)["findings"]
    return code, json.loads(out) if command == "validate" else annotations(out)


TERMINAL = re.compile(r"(.+):(\d+):(\d+): (error|warning)\[([A-Z0-9-]+)\] (.*)")


def terminal_findings(text: str) -> list[dict]:
    """Findings from the text reporter's lines (`file:line:col: error[RULE] message`)."""
    found = []
    for line in text.splitlines():
        match = TERMINAL.fullmatch(line)
        if match:
            file, row, column, severity, rule, message = match.groups()
            found.append({"rule": rule, "file": file, "line": int(row), "column": int(column),
                          "severity": severity, "message": message})
    return found


def test_terminal_lines_are_read_back() -> None:
    text = "ocop build: validate 0.1 s\nplans/kh-a.yaml:1:1: error[DOC-RENDER] Không xuất được\n    gợi ý: …\n"
    assert terminal_findings(text) == [{"rule": "DOC-RENDER", "file": "plans/kh-a.yaml", "line": 1, "column": 1,
                                        "severity": "error", "message": "Không xuất được"}]


ANNOTATION = re.compile(r"::(error|warning) file=([^,]*),line=(\d+),col=(\d+),title=([^,]*)::(.*)")


def _unescape(value: str) -> str:
    """GitHub workflow-command escapes, undone (%25 last: it escapes the escapes)."""
    for escaped, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, char)
    return value


def annotations(out: str) -> list[dict]:
    """Findings from `--format github` output (`::warning file=…,line=…,col=…,title=RULE: …::message`)."""
    found = []
    for line in out.splitlines():
        match = ANNOTATION.fullmatch(line)
        if match:
            severity, file, row, column, title, message = match.groups()
            found.append({"rule": _unescape(title).split(":")[0], "file": _unescape(file), "line": int(row),
                          "column": int(column), "severity": severity, "message": _unescape(message)})
        else:
            assert not line.startswith("::"), f"unparsed annotation: {line}"
    return found


def test_annotations_are_read_back() -> None:
    out = ("::warning file=registry/a%2Cb.yaml,line=5,col=11,title=LIFECYCLE-EXPIRED%3A cảnh báo::hết hạn%0AGợi ý: 100%25\n"
           "Ngày 2026-11-23: 1 đã hết hạn\n")
    assert annotations(out) == [{"rule": "LIFECYCLE-EXPIRED", "file": "registry/a,b.yaml", "line": 5, "column": 11,
                                 "severity": "warning", "message": "hết hạn\nGợi ý: 100%"}]


# Root reads a file of mode 000 through two capabilities. A child started without them in its bounding set
# (prctl PR_CAPBSET_DROP before exec) is denied like any other user: that is how `unreadable` files stay
# unreadable when the tests run as root, as in containers. As another user, chmod 000 is enough.
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2
CLI = "import sys; from ocop.cli import main; sys.exit(main(sys.argv[1:]))"


def _without_read_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP): root cannot be kept from reading a file here")


def run_child(argv: list[str], code: str = CLI) -> tuple[int, str, str]:
    run = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120,
                         preexec_fn=_without_read_override if os.geteuid() == 0 else None)
    return run.returncode, run.stdout, run.stderr


def readable_by_child(path: Path) -> bool:
    code, out, _ = run_child([str(path)], "import sys; open(sys.argv[1], 'rb').read(1); print('read')")
    return code == 0 and out == "read\n"


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_rule_case(capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   case_dir: Path) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)  # `--format github` would append to it
    root = tmp_path / "tree"
    expect = build_case_tree(case_dir, case_dir.parent.parent / "valid", root)
    before = inputs_digest(root)
    code, findings = run_case(capsys, root, expect)
    for f in findings:
        assert f["message"] and f["line"] >= 1 and f["column"] >= 1, f
    missing, extra = difference(expect["findings"], findings)
    shown = "\n".join(f"  {f['rule']} {f['file']}:{f['line']}:{f['column']} {f['message']}" for f in findings)
    assert (missing, extra) == ([], []), f"missing {missing}\nextra {extra}\nreported:\n{shown}"
    assert code == expect["exit"], shown
    assert inputs_digest(root) == before, "validation modified a file"
