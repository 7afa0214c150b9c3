"""Generated files stay in sync with their source: .github/CODEOWNERS with registry/provinces.yaml, and every
file of the repository has an owner in it."""

from __future__ import annotations

from collections.abc import Iterator

from ocop.check.rules import Context
from ocop.findings import Finding, Related, make, rule
from ocop.model import codeowners
from ocop.model.layout import PROVINCES_FILE, shown
from ocop.model.registry import Registry

rule("SYNC-CODEOWNERS", "error", "CODEOWNERS chưa cập nhật theo danh sách tỉnh",
     "Tệp .github/CODEOWNERS được sinh từ registry/provinces.yaml và phải khớp: nhóm trung ương (national_team) "
     "duyệt mọi tệp theo mặc định (mã kiểm tra, lược đồ, dữ liệu quy tắc, CI, danh sách tỉnh); nhóm của mỗi tỉnh "
     "duyệt thư mục registry/<tỉnh>/ và kế hoạch plans/kh-<tỉnh>-…. Mọi tệp của kho phải có người duyệt.",
     example="Thêm team mới cho hai-phong trong provinces.yaml mà không sinh lại CODEOWNERS; "
             "hoặc provinces.yaml thiếu national_team",
     fix=f"Khai báo national_team và team hợp lệ (@tổ-chức/nhóm) trong {PROVINCES_FILE}, chạy «{codeowners.COMMAND}» "
         "và đưa tệp .github/CODEOWNERS vào cùng thay đổi.", family="sync", fixed="Sửa provinces.yaml rồi chạy ocop codeowners --write, đưa .github/CODEOWNERS vào cùng thay đổi")
EXAMPLES = 5  # unowned files named in the message


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    # A tree without .github/ (a fixture, an export) is not hosted on GitHub: nothing to keep in sync.
    if not (ctx.root / ".github").is_dir() or not registry.provinces:
        return
    source = [Related(PROVINCES_FILE, 1, 1, "nguồn sinh ra CODEOWNERS")]  # a change there is reported with it
    for keypath, message in codeowners.problems(registry):
        line, column = registry.provinces_doc.locate(keypath) if registry.provinces_doc else (1, 1)
        yield make("SYNC-CODEOWNERS", PROVINCES_FILE, line, column, message,
                   f"Sửa {PROVINCES_FILE} rồi chạy «{codeowners.COMMAND}».")
    path = ctx.root / codeowners.PATH
    expected = codeowners.render(registry)
    actual = path.read_text("utf-8", errors="replace") if path.is_file() and not path.is_symlink() else None
    if actual != expected:
        line = first_difference(actual or "", expected)
        message = ("Thiếu tệp .github/CODEOWNERS." if actual is None
                   else f"Dòng {line} của .github/CODEOWNERS khác với nội dung sinh từ {PROVINCES_FILE}.")
        yield make("SYNC-CODEOWNERS", codeowners.PATH, line, 1, message,
                   f"Chạy «{codeowners.COMMAND}» rồi đưa .github/CODEOWNERS vào cùng thay đổi (không sửa tay).",
                   related=source)
    if actual is not None:
        yield from _coverage(ctx, actual, source)


def _coverage(ctx: Context, text: str, source: list[Related]) -> Iterator[Finding]:
    """Every file a pull request can change has an owner, as GitHub reads the file that is there."""
    entries = codeowners.parse(text)
    if codeowners.covers_everything(entries):
        return
    orphans = codeowners.unowned(entries, codeowners.tracked_files(ctx.root))
    if orphans:
        named = ", ".join(f"«{shown(p)}»" for p in orphans[:EXAMPLES]) + ("…" if len(orphans) > EXAMPLES else "")
        yield make("SYNC-CODEOWNERS", codeowners.PATH, 1, 1,
                   f"{len(orphans)} tệp không có nhóm duyệt trong .github/CODEOWNERS: {named}",
                   f"Khai báo national_team trong {PROVINCES_FILE} (nhóm trung ương duyệt mọi tệp theo mặc định) "
                   f"rồi chạy «{codeowners.COMMAND}».", related=source)


def first_difference(actual: str, expected: str) -> int:
    """The 1-based line where a generated file first differs from what it should be."""
    a, b = actual.splitlines(), expected.splitlines()
    for i, (x, y) in enumerate(zip(a, b, strict=False), start=1):
        if x != y:
            return i
    return min(len(a), len(b)) + 1
