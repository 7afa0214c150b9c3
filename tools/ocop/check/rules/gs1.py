"""GS1 identifiers on products: a GTIN's check digit (a mistyped barcode number would send a GS1 Digital
Link, and the stamp's QR code, to another product)."""

from __future__ import annotations

from collections.abc import Iterator

from ocop.check.rules import Provinces
from ocop.findings import Finding, make, rule
from ocop.model.gs1 import GTIN, check_digit
from ocop.model.registry import Record

rule("GTIN-CHECK-DIGIT", "error", "Mã GTIN sai số kiểm tra",
     "Chữ số cuối của mã GTIN (mã vạch) là số kiểm tra tính từ các chữ số trước theo quy tắc GS1; "
     "sai số kiểm tra nghĩa là mã bị gõ nhầm, và đường dẫn GS1 Digital Link trên tem sẽ trỏ tới sản phẩm khác.",
     example="gtin: \"8934567000013\"", fixed="gtin: \"8934567000017\"",
     fix="Chép lại mã từ mã vạch trên bao bì, hoặc hỏi đơn vị cấp mã (GS1 Việt Nam).",
     family="gs1", added_in="0.2.0")


def check_record(record: Record, provinces: Provinces) -> Iterator[Finding]:
    del provinces
    gtin = record.get("gtin") if record.kind == "product" else None
    if not isinstance(gtin, str) or not GTIN.match(gtin):  # absent, or the schema already refuses its form
        return
    expected = check_digit(gtin[:-1])
    if expected != int(gtin[-1]):
        line, column = record.locate("gtin")
        yield make("GTIN-CHECK-DIGIT", record.path, line, column,
                   f"Mã GTIN «{gtin}» có số kiểm tra {gtin[-1]}, nhưng theo quy tắc GS1 phải là {expected}.",
                   f"Kiểm tra lại mã vạch; nếu các chữ số khác đúng, mã là «{gtin[:-1]}{expected}».")
