"""CODEOWNERS generated from registry/provinces.yaml: each province folder is reviewed by its team."""

from __future__ import annotations

from ocop.model.registry import Registry

PATH = ".github/CODEOWNERS"
COMMAND = "ocop codeowners --write"
HEADER = (
    "# Tệp sinh tự động từ registry/provinces.yaml — không sửa tay.\n"
    f"# Sau khi sửa danh sách tỉnh hoặc nhóm phụ trách, chạy: {COMMAND}\n"
    "# Generated from registry/provinces.yaml; regenerate with the command above.\n"
)


def render(registry: Registry) -> str:
    """One line per province folder, in the order of provinces.yaml (later lines win in CODEOWNERS)."""
    lines = [HEADER]
    for province in registry.provinces:
        if not isinstance(province, dict):
            continue
        slug, team = province.get("slug"), province.get("team")
        if isinstance(slug, str) and isinstance(team, str) and team:
            lines.append(f"/registry/{slug}/ {team}\n")
    return "".join(lines)
