"""A writable copy of the sample registry for the authoring tests (records are written into it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ocop_testing import REPO


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("registry", "schemas", "plans"):
        shutil.copytree(REPO / folder, root / folder)
    return root
