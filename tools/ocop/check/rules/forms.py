"""Generated files stay in sync with their source: the GitHub issue forms with the JSON Schemas."""

from __future__ import annotations

from collections.abc import Iterator

from ocop.check.rules import Context
from ocop.check.rules.sync import first_difference
from ocop.findings import Finding, make, rule
from ocop.model import issue_forms as forms
from ocop.model.registry import Registry

COMMAND = "ocop forms --write"

rule("SYNC-FORMS", "error", "Biểu mẫu đăng ký trên GitHub chưa cập nhật theo lược đồ",
     "Các biểu mẫu .github/ISSUE_TEMPLATE/dang-ky-*.yml được sinh từ lược đồ JSON (nhãn, mô tả, danh sách chọn) "
     "và phải khớp với lược đồ hiện hành.",
     example="Thêm một nhóm sản phẩm vào schemas/product.schema.json mà không sinh lại biểu mẫu",
     fix=f"Chạy «{COMMAND}» và đưa các tệp trong .github/ISSUE_TEMPLATE vào cùng thay đổi.", family="sync", fixed="Sửa lược đồ rồi chạy ocop forms --write, đưa .github/ISSUE_TEMPLATE vào cùng thay đổi")


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    # Only a repository that uses the issue forms (has .github/ISSUE_TEMPLATE/) keeps them in sync;
    # fixtures, exports and trees with only a CODEOWNERS file do not.
    if not (ctx.root / forms.FOLDER).is_dir() or not registry.provinces:
        return

    for rel, text in forms.expected(ctx.root, registry).items():
        path = ctx.root / rel
        actual = path.read_text("utf-8") if path.is_file() else None
        if actual == text:
            continue
        line = first_difference(actual or "", text)
        message = (f"Thiếu biểu mẫu {rel}." if actual is None
                   else f"Dòng {line} của {rel} khác với nội dung sinh từ lược đồ.")
        yield make("SYNC-FORMS", rel, line, 1, message,
                   f"Chạy «{COMMAND}» rồi đưa {rel} vào cùng thay đổi (không sửa tay).")
