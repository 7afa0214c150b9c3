"""The rule catalogue: every rule of every stage, registered by importing the modules that check them."""

from __future__ import annotations

from ocop.check import pipeline  # noqa: F401  (registers the loader's and the pipeline's own rules)
from ocop.check import rules as families
from ocop.findings import RULES, Rule

FAMILY_VI = {
    "yaml": "Đọc tệp (YAML, mã hóa)", "schema": "Lược đồ", "layout": "Bố cục kho và mã hồ sơ",
    "references": "Tham chiếu giữa các hồ sơ", "photos": "Ảnh sản phẩm", "gs1": "Mã GS1 (GTIN)", "units": "Đơn vị hành chính", "scoring": "Chấm điểm",
    "authority": "Thẩm quyền công nhận", "lifecycle": "Hiệu lực chứng nhận", "history": "Lịch sử (chỉ thêm, không sửa)",
    "markup": "An toàn nội dung", "sync": "Tệp sinh tự động", "documents": "Văn bản xuất bản",
    "review": "Xét duyệt thay đổi (pull request)",
    "import": "Nhập từ bảng tính (ocop import)",
    "plans": "Kế hoạch (KH)",
}


def family_title(family: str) -> str:
    return FAMILY_VI.get(family, family or "Khác")


def all_rules() -> list[Rule]:
    families.families()  # import every family module so its rules are registered
    order = list(FAMILY_VI)
    return sorted(RULES.values(), key=lambda r: (order.index(r.family) if r.family in order else 99, r.id))
