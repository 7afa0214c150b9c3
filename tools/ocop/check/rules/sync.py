"""Generated files stay in sync with their source: .github/CODEOWNERS with registry/provinces.yaml."""

from __future__ import annotations

from collections.abc import Iterator

from ocop.check.rules import Context
from ocop.findings import Finding, make, rule
from ocop.model import codeowners
from ocop.model.layout import PROVINCES_FILE
from ocop.model.registry import Registry

rule("SYNC-CODEOWNERS", "error", "CODEOWNERS chưa cập nhật theo danh sách tỉnh",
     "Tệp .github/CODEOWNERS được sinh từ registry/provinces.yaml (thư mục tỉnh → nhóm phụ trách) và phải khớp.",
     example="Thêm team mới cho hai-phong trong provinces.yaml mà không sinh lại CODEOWNERS",
     fix=f"Chạy «{codeowners.COMMAND}» và đưa tệp .github/CODEOWNERS vào cùng thay đổi.", family="sync")


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    # A tree without .github/ (a fixture, an export) is not hosted on GitHub: nothing to keep in sync.
    if not (ctx.root / ".github").is_dir() or not registry.provinces:
        return
    path = ctx.root / codeowners.PATH
    expected = codeowners.render(registry)
    actual = path.read_text("utf-8") if path.is_file() else None
    if actual == expected:
        return
    line = first_difference(actual or "", expected)
    message = ("Thiếu tệp .github/CODEOWNERS." if actual is None
               else f"Dòng {line} của .github/CODEOWNERS khác với nội dung sinh từ {PROVINCES_FILE}.")
    yield make("SYNC-CODEOWNERS", codeowners.PATH, line, 1, message,
               f"Chạy «{codeowners.COMMAND}» rồi đưa .github/CODEOWNERS vào cùng thay đổi (không sửa tay).")


def first_difference(actual: str, expected: str) -> int:
    """The 1-based line where a generated file first differs from what it should be."""
    a, b = actual.splitlines(), expected.splitlines()
    for i, (x, y) in enumerate(zip(a, b, strict=False), start=1):
        if x != y:
            return i
    return min(len(a), len(b)) + 1
