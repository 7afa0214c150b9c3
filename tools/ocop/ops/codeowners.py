"""Write .github/CODEOWNERS from registry/provinces.yaml (the text itself: `ocop.model.codeowners`)."""

from __future__ import annotations

from pathlib import Path

from ocop.model import codeowners
from ocop.model.registry import Registry


def write(root: Path, registry: Registry) -> Path:
    target = root / codeowners.PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(codeowners.render(registry), "utf-8")
    return target
