"""Session fixtures for the documents tests: external tools, and each seed plan rendered once."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ocop.publish.documents import render
from ocop.publish.documents.plan import all_plans, load_plan

REPO = Path(__file__).resolve().parents[4]
TOOLS = {"pdftotext": "poppler-utils", "pdffonts": "poppler-utils", "pdftoppm": "poppler-utils",
         "soffice": "libreoffice-writer"}
LIBERATION = Path("/usr/share/fonts/truetype/liberation2")  # LibreOffice's Times New Roman stand-in
PACKAGES = ["poppler-utils", "libreoffice-writer", "fonts-liberation2"]


def _missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None] + ([] if LIBERATION.is_dir() else ["fonts"])


@pytest.fixture(scope="session")
def system_tools() -> None:
    """Install poppler and LibreOffice from Debian when missing (we run as root); skip only if that fails."""
    if not _missing():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update"], check=True, capture_output=True, env=env, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES],
                       check=True, capture_output=True, env=env, timeout=900)
    except (OSError, subprocess.SubprocessError) as err:
        detail = getattr(err, "stderr", b"") or b""
        reason = f"cannot install {PACKAGES}: {err} {detail.decode(errors='replace')[-400:]}"
        print(reason)
        pytest.skip(reason)
    if _missing():
        pytest.skip(f"still missing after apt-get: {_missing()}")


@pytest.fixture(scope="session")
def plans() -> dict[str, dict]:
    return {p.stem: load_plan(p) for p in all_plans(REPO)}


@pytest.fixture(scope="session")
def rendered(plans: dict[str, dict], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """{plan id: {"docx": path, "pdf": path}} for every seed plan, rendered once per session."""
    out = tmp_path_factory.mktemp("plans")
    return {pid: dict(zip(("docx", "pdf"), render(plan, out), strict=True)) for pid, plan in plans.items()}


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="session")
def pdftotext(system_tools: None):
    """Text of a PDF as poppler extracts it (layout mode, pages split by form feeds)."""
    return _pdftotext
