"""The registration guide page (docs-src/huong-dan-dang-ky): copied into the site's docs folder.

Screenshots are taken by the browser test into build/screenshots/dang-ky; the committed copies next to
the page are used when no fresher ones exist (a build without browser tests still has pictures).
"""

from __future__ import annotations

import shutil
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[3] / "docs-src" / "huong-dan-dang-ky"
PAGE = "huong-dan-dang-ky"


def install(docs: Path, screenshots: Path | None = None) -> Path:
    """Copy the guide into docs/huong-dan-dang-ky/ (index.md + images); returns the folder."""
    dest = docs / PAGE
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(SOURCE, dest)
    fresh = screenshots or SOURCE.parents[1] / "build" / "screenshots" / "dang-ky"
    for image in dest.glob("*.png"):
        newer = fresh / image.name
        if newer.is_file() and newer.stat().st_mtime > image.stat().st_mtime:
            shutil.copy2(newer, image)
    return dest
