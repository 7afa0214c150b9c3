"""Open data as CSV: one flat table per kind, made for spreadsheets (Excel first) and described once.

Each column is (name, Vietnamese meaning, Table Schema type, how to read it from an API document).
The same list writes the CSV, documents the columns on the open-data page and becomes the Frictionless
table schema, so the three cannot disagree. Derived columns (state, effective dates, star, province
name) come from the document's `derived` facts, never recomputed here.

Excel: UTF-8 with a BOM (else Excel reads the accents as Windows-1252); codes that are all digits
(tax codes, province codes) as ="0101234567" so Excel keeps them as text with their leading zeros;
a cell that would start a formula is prefixed with ' (CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ocop.publish.site.model import address_line, text

BOM = "\ufeff"
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Column:
    name: str
    title: str  # Vietnamese meaning, shown on the open-data page and in datapackage.json
    type: str  # Table Schema type: string, integer, number, date, boolean
    read: Callable[[dict[str, Any]], Any]
    code: bool = False  # digits that must stay text in Excel (leading zeros)


def rec(*keys: str) -> Callable[[dict[str, Any]], Any]:
    """A value inside the record: rec("issuer", "name") reads record.issuer.name."""
    def read(doc: dict[str, Any]) -> Any:
        value: Any = doc["record"]
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value
    return read


def der(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda doc: doc["derived"].get(key)


def address(doc: dict[str, Any]) -> str:
    return address_line(doc["record"].get("address"))


def issuer_name(doc: dict[str, Any]) -> Any:
    issuer = doc["derived"].get("issuer")
    return issuer.get("name") if isinstance(issuer, dict) else None


ID = Column("id", "Mã hồ sơ (duy nhất trong cả sổ đăng ký)", "string", rec("id"))
PROVINCE = Column("tinh", "Thư mục tỉnh, thành phố (tên viết liền không dấu) nơi lưu hồ sơ", "string", rec("province"))
PROVINCE_NAME = Column("ten_tinh", "Tên tỉnh, thành phố hiện hành (từ 01/7/2025)", "string", der("province_name"))
SAMPLE = Column("mau", "true nếu là dữ liệu mẫu (hư cấu)", "boolean", rec("sample"))
STATE = Column("trang_thai", "Trạng thái tại ngày dựng trang: valid (còn hiệu lực), expiring (sắp hết hạn, ≤ 30 ngày), "
               "expired (hết hạn), revoked (thu hồi), superseded (đã được thay thế), none (chưa có giấy chứng nhận)",
               "string", der("state"))
VALID_FROM = Column("hieu_luc_tu", "Ngày bắt đầu hiệu lực thực tế (ngày của giấy, nếu không thì ngày quyết định)", "date",
                    der("valid_from"))
VALID_TO = Column("hieu_luc_den", "Ngày hết hiệu lực thực tế (ngày của giấy, nếu không thì 36 tháng sau ngày bắt đầu)",
                  "date", der("valid_to"))

COLUMNS: dict[str, list[Column]] = {
    "product": [
        ID, Column("ten", "Tên sản phẩm", "string", rec("name")), PROVINCE, PROVINCE_NAME,
        Column("chu_the", "Mã chủ thể sản xuất", "string", rec("producer")),
        Column("ten_chu_the", "Tên chủ thể sản xuất", "string", der("producer_name")),
        Column("bo_tieu_chi", "Bộ tiêu chí đánh giá", "string", rec("classification", "criteria_set")),
        Column("nhom_nganh", "Nhóm ngành (mã)", "string", rec("classification", "group")),
        Column("dia_chi", "Địa chỉ sản xuất (tên đơn vị hành chính như trong hồ sơ)", "string", address),
        STATE, Column("hang_sao", "Hạng sao hiện hành (trống nếu không còn hiệu lực)", "integer", der("star")),
        Column("hang_sao_gan_nhat", "Hạng sao của giấy chứng nhận gần nhất", "integer", der("last_star")),
        Column("giay_chung_nhan", "Mã giấy chứng nhận gần nhất", "string", der("current_certificate")),
        VALID_FROM, VALID_TO, Column("co_quan_cap", "Cơ quan ra quyết định công nhận", "string", issuer_name), SAMPLE,
    ],
    "certificate": [
        ID, PROVINCE, PROVINCE_NAME, Column("san_pham", "Mã sản phẩm", "string", rec("product")),
        Column("quyet_dinh", "Mã quyết định công nhận", "string", rec("decision")),
        Column("so_quyet_dinh", "Số quyết định công nhận", "string", der("decision_number")),
        Column("co_quan_cap", "Cơ quan ra quyết định công nhận", "string", issuer_name),
        Column("hang_sao", "Hạng sao (3, 4, 5)", "integer", rec("star")),
        Column("diem", "Tổng điểm đánh giá", "number", rec("score")),
        VALID_FROM, VALID_TO, STATE,
        Column("so_ngay_con_lai", "Số ngày còn lại đến hết hiệu lực (âm: đã qua)", "integer", der("days_left")),
        Column("thay_the", "Mã giấy chứng nhận mà giấy này thay thế", "string", rec("supersedes")),
        Column("duoc_thay_the_boi", "Mã các giấy chứng nhận thay thế giấy này (cách nhau bởi dấu cách)", "string",
               lambda d: " ".join(d["derived"].get("superseded_by") or [])),
        Column("thu_hoi_boi", "Mã quyết định thu hồi (nếu đã thu hồi)", "string", der("revoked_by")), SAMPLE,
    ],
    "producer": [
        ID, Column("ten", "Tên chủ thể", "string", rec("name")), PROVINCE, PROVINCE_NAME,
        Column("loai_hinh", "Loại hình (mã)", "string", rec("type")),
        Column("ma_so_thue", "Mã số thuế (giữ nguyên số 0 ở đầu)", "string", rec("tax_code"), code=True),
        Column("dia_chi", "Địa chỉ (tên đơn vị hành chính như trong hồ sơ)", "string", address),
        Column("so_san_pham", "Số sản phẩm trong sổ đăng ký", "integer", lambda d: len(d["derived"]["products"])),
        Column("so_san_pham_con_hieu_luc", "Số sản phẩm đang còn hiệu lực", "integer",
               lambda d: len(d["derived"]["certified_products"])), SAMPLE,
    ],
    "decision": [
        ID, PROVINCE, PROVINCE_NAME, Column("loai", "Loại quyết định (mã)", "string", rec("type")),
        Column("so", "Số, ký hiệu quyết định", "string", rec("number")),
        Column("ngay", "Ngày ký", "date", rec("date")),
        Column("co_quan", "Cơ quan ban hành", "string", rec("issuer", "name")),
        Column("ma_don_vi_co_quan", "Mã đơn vị hành chính của cơ quan ban hành", "string", rec("issuer", "unit", "code"),
               code=True),
        Column("so_muc", "Số sản phẩm trong quyết định", "integer", der("entries")), SAMPLE,
    ],
    "evaluation": [
        ID, PROVINCE, PROVINCE_NAME, Column("san_pham", "Mã sản phẩm", "string", rec("product")),
        Column("ngay", "Ngày đánh giá", "date", rec("date")),
        Column("bo_tieu_chi", "Bộ tiêu chí", "string", rec("criteria_set")),
        Column("tong_diem", "Tổng điểm", "number", rec("total")),
        Column("hang_sao", "Hạng sao đề nghị", "integer", rec("star")), SAMPLE,
    ],
    "plan": [
        ID, PROVINCE, PROVINCE_NAME, Column("so", "Số kế hoạch", "integer", rec("number")),
        Column("ky_hieu", "Ký hiệu", "string", rec("symbol")), Column("ngay", "Ngày ký", "date", rec("date")),
        Column("tieu_de", "Trích yếu", "string", rec("title")),
        Column("co_quan", "Cơ quan ban hành", "string", lambda d: issuer_name(d) or None),
        Column("trang_thai", "Tình trạng văn bản (mã)", "string", rec("status")), SAMPLE,
    ],
}


def cell_text(value: Any, code: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, (dict, list)):
        return ""
    if isinstance(value, (int, float)):
        return str(value)  # numbers as numbers (a negative count of days is not a formula)
    shown = text(value)
    if code and _DIGITS.fullmatch(shown):
        return f'="{shown}"'  # Excel keeps it as text; never built from anything but digits
    # a cell that starts like a formula is run by spreadsheets: prefix it (CSV injection)
    return "'" + shown if shown[:1] in ("=", "+", "-", "@", "\t", "\r") else shown


def cell(record: dict[str, Any], key: str) -> str:
    """A record field as a CSV cell (kept for callers that have a bare record)."""
    return cell_text(record.get(key))


class Table:
    """One kind's CSV, filled a row at a time (documents arrive from the API pass)."""

    def __init__(self, kind: str, header: bool = True) -> None:
        self.columns = COLUMNS[kind]
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        if header:
            self.buffer.write(BOM)
            self.writer.writerow([c.name for c in self.columns])

    def row(self, doc: dict[str, Any]) -> list[str]:
        row = []
        for column in self.columns:
            value = column.read(doc)
            if column.type in ("integer", "number") and (isinstance(value, bool) or not isinstance(value, (int, float))):
                value = None  # a typed column holds numbers only (a schema error never reaches the site anyway)
            row.append(cell_text(value, column.code))
        return row

    def line(self, doc: dict[str, Any]) -> str:
        """The document's row as CSV text, its line end included (what `append_line` takes back)."""
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(self.row(doc))
        return out.getvalue()

    def append_line(self, encoded: str) -> None:
        """A row as CSV text, as `line` gave it (or as a previous build's file holds it: rebuilds reuse rows)."""
        self.buffer.write(encoded)

    def text(self) -> str:
        return self.buffer.getvalue()
