"""A plan that cannot be rendered is a DOC-RENDER finding naming its file; the other plans still render,
and `ocop build` exits 1 (it used to log the error, drop every plan's documents and exit 0)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ocop.publish.documents import build_all
from ocop_testing import REPO, run_cli

PLANS = sorted(p.stem for p in (REPO / "plans").glob("*.yaml"))


def sample_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for top in ("registry", "plans"):
        shutil.copytree(REPO / top, root / top)
    return root


def block(root: Path, plan_id: str) -> None:
    """A folder where the plan's PDF must go: the renderer's write fails for real, for that plan only."""
    (root / "build" / "plans" / f"{plan_id}.pdf").mkdir(parents=True)


def test_one_failing_plan_is_a_finding_and_the_others_render(tmp_path: Path) -> None:
    root = sample_root(tmp_path)
    broken = PLANS[0]
    block(root, broken)
    result = build_all(root)
    assert [(f.rule, f.file, f.severity) for f in result.failed] == [("DOC-RENDER", f"plans/{broken}.yaml", "error")]
    assert broken in result.failed[0].message
    rendered = {p.name for p in result.written}
    for plan_id in PLANS[1:]:
        assert {f"{plan_id}.docx", f"{plan_id}.pdf", f"{plan_id}-tien-do.docx"} <= rendered
    assert not any(name.startswith(broken + ".") for name in rendered)


@pytest.mark.slow
def test_build_exits_1_and_names_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    root = sample_root(tmp_path)
    broken = PLANS[-1]
    block(root, broken)
    code, _out, err = run_cli(capsys, "--root", str(root), "build", "--no-search", "--today", "2026-11-23")
    assert code == 1, err
    assert f"plans/{broken}.yaml:1:1: error[DOC-RENDER]" in err
    assert (root / "build" / "site" / "index.html").is_file()  # the rest of the site is still built
    assert (root / "build" / "plans" / f"{PLANS[0]}.pdf").is_file()
    # last year's periodic reports (ocop report) are built too, and the plans page offers them
    for scope in ("hai-phong", "toan-quoc"):
        assert (root / "build" / "reports" / f"bao-cao-ocop-{scope}-2025.pdf").is_file()
        assert (root / "build" / "site" / "ke-hoach" / "bao-cao" / f"bao-cao-ocop-{scope}-2025.docx").is_file()
    plans_page = (root / "build" / "site" / "ke-hoach" / "index.html").read_text(encoding="utf-8")
    assert 'href="bao-cao/bao-cao-ocop-toan-quoc-2025.xlsx"' in plans_page and "Toàn quốc, năm 2025" in plans_page
