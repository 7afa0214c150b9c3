"""Administrative-unit references: the code exists in the named code list, the name matches, wards sit
inside their province, and a record's address rolls up to the province folder it is filed under."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ocop.check.rules import Provinces
from ocop.domain import authority
from ocop.findings import Finding, make, rule
from ocop.model import units
from ocop.model.layout import CENTRAL
from ocop.model.registry import Record

rule("UNIT-CODE", "error", "Mã đơn vị hành chính không tồn tại",
     "Mã đơn vị phải có trong bộ mã đã ghi ở version (2004: trước 01/7/2025; 2025: 34 tỉnh, 3.321 xã). "
     "Bộ mã 2025 không có cấp huyện.",
     example='{level: province, code: "30", version: "2025"}  (30 là Hải Dương trong bộ mã 2004)',
     fix="Tra mã trong bộ mã đúng phiên bản, hoặc sửa version cho khớp với mã.", family="units", fixed="{level: province, code: \"31\", version: \"2025\"}  (31 là Hải Phòng trong bộ mã 2025)")
rule("UNIT-NAME", "warning", "Tên đơn vị khác tên chính thức",
     "Tên ghi kèm mã khác tên trong bộ mã (bỏ qua dấu và tiền tố Tỉnh/Thành phố).",
     example='{code: "01", version: "2025", name: "Hải Phòng"}', fix="Sửa tên hoặc mã cho khớp.", family="units", fixed="{code: \"01\", version: \"2025\", name: \"Thành phố Hà Nội\"}")
rule("UNIT-HIERARCHY", "error", "Xã/huyện không thuộc tỉnh đã ghi",
     "Trong một địa chỉ, xã (và huyện) phải thuộc tỉnh đã ghi, cùng phiên bản bộ mã.",
     example="ward 00004 (Hà Nội) với province 31 (Hải Phòng)", fix="Sửa mã xã hoặc mã tỉnh.", family="units", fixed="ward 00004 (Hà Nội) với province 01 (Hà Nội)")
rule("UNIT-PROVINCE", "error", "Địa chỉ không thuộc tỉnh của thư mục",
     "Địa chỉ của chủ thể và sản phẩm phải thuộc (hoặc đã sáp nhập vào) tỉnh của thư mục chứa hồ sơ.",
     example="registry/ha-noi/products/… có địa chỉ ở tỉnh Ninh Bình",
     fix="Chuyển hồ sơ về thư mục tỉnh đúng, hoặc sửa địa chỉ.", family="units", fixed="registry/ninh-binh/products/… có địa chỉ ở tỉnh Ninh Bình")
rule("UNIT-VERSION-DATE", "error", "Mã đơn vị của cơ quan ban hành không thuộc bộ mã dùng vào ngày ban hành",
     "Mã đơn vị của cơ quan ban hành (issuer.unit) phải thuộc bộ mã đang dùng vào ngày của quyết định: bộ mã 2004 "
     "(124/2004/QĐ-TTg) đến hết 30/6/2025, bộ mã 2025 (19/2025/QĐ-TTg) từ 01/7/2025. Mã theo bộ mã khác chỉ một "
     "đơn vị chưa có hoặc không còn vào ngày đó. Thời hạn của mỗi bộ mã là dữ liệu có dẫn nguồn "
     "(domain/data/authority.yaml).",
     example='date: "2023-06-01"\nissuer.unit: {level: province, code: "31", version: "2025"}',
     fix="Ghi mã đơn vị của cơ quan tại thời điểm ban hành, theo bộ mã đang dùng vào ngày đó.", family="units",
     fixed='date: "2023-06-01"\nissuer.unit: {level: province, code: "30", version: "2004", name: Tỉnh Hải Dương}')


def check_record(record: Record, provinces: Provinces) -> Iterator[Finding]:
    for path, ref in _unit_refs(record.data, ()):
        yield from _check_ref(record, path, ref)
    address = record.get("address")
    if isinstance(address, dict):
        yield from _address(record, address, provinces.code_of)
    if record.kind == "decision":
        yield from _issuer_version(record)


def _unit_refs(value: object, path: tuple) -> Iterator[tuple[tuple, dict]]:
    """Every unit reference ({level, code, version, …}) in a record, in document order. A stack, not nested
    generators: this walks every value of 62,000 records in a national run, and each generator level a
    value passes through costs a resume."""
    stack: list[tuple[tuple, object]] = [(path, value)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            if {"level", "code", "version"} <= value.keys():
                yield path, value
                continue
            items: Iterable[tuple[object, object]] = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        stack.extend(reversed([((*path, key), item) for key, item in items if isinstance(item, (dict, list))]))


def _check_ref(record: Record, path: tuple, ref: dict) -> Iterator[Finding]:
    if not all(isinstance(ref.get(k), str) for k in ("level", "code", "version")):
        return  # the schema reports the types
    unit = units.resolve(ref)
    if unit is None:
        line, column = record.locate(*path, "code")
        other = "2025" if ref["version"] == "2004" else "2004"
        alt = units.lookup(ref["level"], ref["code"], other)
        hint = (f"Trong bộ mã {other}, mã {ref['code']} là «{alt.name}»: có phải version phải là \"{other}\"?"
                if alt else "Tra mã trong danh mục đơn vị hành chính đúng phiên bản.")
        yield make("UNIT-CODE", record.path, line, column,
                   f"Không có đơn vị cấp {_level_vi(ref['level'])} mã {ref['code']} trong bộ mã {ref['version']}.", hint)
        return
    name = ref.get("name")
    if isinstance(name, str) and not units.same_name(name, unit.name):
        line, column = record.locate(*path, "name")
        yield make("UNIT-NAME", record.path, line, column,
                   f"Mã {unit.code} ({unit.version}) là «{unit.name}», không phải «{name}».",
                   f"Sửa tên thành «{unit.name}» hoặc kiểm tra lại mã.")


def _level_vi(level: str) -> str:
    return {"province": "tỉnh", "district": "huyện", "ward": "xã"}.get(level, level)


def _address(record: Record, address: dict, slug_to_code: dict) -> Iterator[Finding]:
    province = address.get("province")
    if not isinstance(province, dict) or units.resolve(province) is None:
        return
    for part in ("district", "ward"):
        sub = address.get(part)
        unit = units.resolve(sub) if isinstance(sub, dict) else None
        if unit and (unit.version != province.get("version") or unit.province_code != province.get("code")):
            line, column = record.locate("address", part, "code")
            yield make("UNIT-HIERARCHY", record.path, line, column,
                       f"{unit.name} (mã {unit.code}, bộ mã {unit.version}) không thuộc tỉnh mã {province.get('code')} "
                       f"bộ mã {province.get('version')}.")
    folder = record.location.province_folder
    expected = slug_to_code.get(folder)
    if record.kind in ("producer", "product") and folder != CENTRAL and expected:
        now = units.rolls_up_to(province)
        if now and now != expected:
            line, column = record.locate("address", "province")
            current = units.lookup("province", now, "2025")
            yield make("UNIT-PROVINCE", record.path, line, column,
                       f"Địa chỉ thuộc {current.name if current else now}, không thuộc tỉnh của thư mục «{folder}».",
                       f"Chuyển hồ sơ vào registry/{units.slug(current.name) if current else '…'}/ hoặc sửa địa chỉ.")


def _issuer_version(record: Record) -> Iterator[Finding]:
    """The issuer's unit code comes from the code list in use on the decision's date (dated data)."""
    issuer, date = record.get("issuer"), record.get("date")
    unit = issuer.get("unit") if isinstance(issuer, dict) else None
    if not (isinstance(unit, dict) and isinstance(date, str) and isinstance(unit.get("version"), str)):
        return
    if isinstance(issuer.get("level"), str) and authority.missing_level(issuer["level"], date):
        return  # the issuer's level itself did not exist: AUTH-ISSUER-DATE says so once
    span = authority.code_version(unit["version"])
    if span is None or span.covers(date):
        return  # an unknown version is a SCHEMA error
    current = authority.code_version_on(date)
    line, column = record.locate("issuer", "unit", "version")
    period = f"đến hết ngày {span.end}" if span.end else f"từ ngày {span.start}"
    yield make("UNIT-VERSION-DATE", record.path, line, column,
               f"Quyết định ngày {date} ghi mã cơ quan theo bộ mã {unit['version']}, bộ mã này chỉ dùng {period} "
               f"({span.basis}).",
               f"Ghi mã đơn vị của cơ quan theo bộ mã {current.name} ({current.basis}), tên đơn vị tại ngày ban hành."
               if current else "Ghi mã đơn vị của cơ quan theo bộ mã dùng vào ngày ban hành.")
