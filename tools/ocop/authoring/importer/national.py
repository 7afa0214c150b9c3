"""The national OCOP system's product JSON (ocopvietnam.gov.vn: `name`, `ocop_star`, `ocop_certificate_number`,
`issued_on`, `expiry_date`, `manufacturer{…}`, `type`…) read into the importer's table, one row per product.

The rest of the import is the spreadsheet's: the same matching, addresses, records and all-or-nothing writing.
Findings point at the value with a JSON Pointer ("/12/manufacturer/address", RFC 6901) in `Finding.cell`;
`line` is the product's position in the list (1-based), as a spreadsheet finding's is its row.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ocop.authoring.importer import header as headers
from ocop.authoring.importer.sheet import ReadError, Table, check_size
from ocop.authoring.importer.values import NationalType
from ocop.findings import Finding, make

SOURCE = "ocop-vn"
MAX_PRODUCTS = 200_000
VN = dt.timezone(dt.timedelta(hours=7))
# field → where the national JSON keeps it (a path of keys in one product)
PATHS: dict[str, tuple[str, ...]] = {
    "product_name": ("name",),
    "producer_name": ("manufacturer", "name"),
    "representative": ("manufacturer", "representative"),
    "address": ("manufacturer", "address"),
    "phone": ("manufacturer", "phone_number"),
    "email": ("manufacturer", "email"),
    # not in the public shape, read when a province's export adds them (the registry needs one of them)
    "tax_code": ("manufacturer", "tax_code"),
    "registration_number": ("manufacturer", "registration_number"),
    "star": ("ocop_star",),
    "group": ("type",),
    "description": ("description",),
    "story": ("story",),
    "decision_number": ("ocop_certificate_number",),
    "decision_date": ("issued_on",),
    "valid_to": ("expiry_date",),
}
DECISION_FIELDS = ("decision_number", "decision_date", "valid_to")
DATE_FIELDS = ("decision_date", "valid_to")


class JsonTable(Table):
    """Products as rows; `cell` answers with the JSON Pointer of a value instead of "Sheet1!C12"."""

    columns: tuple[str, ...] = ()

    def cell(self, row: int, column: int) -> str:
        name = self.columns[column] if 0 <= column < len(self.columns) else "stt"
        keys = PATHS.get(name, ())
        return "/" + "/".join((str(row - 1), *keys))

    def column_number(self, column: int) -> int:
        return 1  # a value in a JSON list has no column: `cell` (the pointer) says where it is


def read(path: Path, display: str, products_only: bool = False) -> tuple[JsonTable | None, headers.Header | None,
                                                                        list[Finding]]:
    """The table and its header, or None and the finding that says why the file cannot be read."""
    try:
        items = _items(path, display)
    except ReadError as err:
        return None, None, [make(err.rule_id, display, 1, 1, err.message, err.hint)]
    except OSError as err:
        return None, None, [make("IMPORT-FILE", display, 1, 1, f"Không mở được tệp: {err.strerror or err}.")]
    fields = [f for f in PATHS if not (products_only and f in DECISION_FIELDS)]
    columns = ("stt", *fields)
    table = JsonTable(display, None)
    table.columns = columns
    unknown: set[str] = set()
    findings: list[Finding] = []
    for index, item in enumerate(items):
        number = index + 1
        if not isinstance(item, dict):
            findings.append(make("IMPORT-VALUE", display, number, 1,
                                 f"Phần tử thứ {number} của danh sách không phải một sản phẩm (đối tượng JSON).",
                                 "Mỗi phần tử là một đối tượng {\"name\": …, \"manufacturer\": {…}, …}.", cell=f"/{index}"))
            continue
        unknown.update(k for k in item if k not in _TOP_KEYS)  # named, never fetched (images: through the editor)
        table.rows.append((number, (number, *(_value(item, f) for f in fields))))
    columns_of = {name: i for i, name in enumerate(columns)}
    labels = {i: "/".join(PATHS.get(name, ("(thứ tự)",))) for i, name in enumerate(columns)}
    header = headers.Header(row=0, start=0, columns=columns_of, labels=labels, unknown=sorted(unknown))
    return table, header, findings


_TOP_KEYS = {keys[0] for keys in PATHS.values()}


def _items(path: Path, display: str) -> list:
    check_size(path, display, "Tách danh sách thành nhiều tệp nhỏ hơn.")
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ReadError("IMPORT-ENCODING", f"Tệp JSON không phải UTF-8 (byte 0x{raw[err.start]:02X} ở vị trí "
                        f"{err.start}).", "Xuất lại dữ liệu từ hệ thống quốc gia dạng JSON UTF-8.") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise ReadError("IMPORT-FILE", f"Tệp không phải JSON hợp lệ: {err.msg} (dòng {err.lineno}, cột {err.colno}).",
                        "Kiểm tra tệp tải từ hệ thống OCOP quốc gia (một danh sách sản phẩm dạng JSON).") from None
    except RecursionError:
        raise ReadError("IMPORT-FILE", "Tệp JSON lồng nhau quá sâu.", "Đây không phải danh sách sản phẩm OCOP.") from None
    except ValueError as err:
        raise ReadError("IMPORT-FILE", f"Tệp JSON không dùng được: {err}.") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]  # one page of the national API: {"count": …, "results": […]}
    if not isinstance(data, list):
        raise ReadError("IMPORT-FILE", "Tệp JSON không phải một danh sách sản phẩm.",
                        "Tệp cần dạng [{\"name\": …, \"ocop_star\": …, \"manufacturer\": {…}}, …] hoặc một trang "
                        "{\"results\": […]} của hệ thống quốc gia.")
    if len(data) > MAX_PRODUCTS:
        raise ReadError("IMPORT-FILE", f"Danh sách có {len(data)} sản phẩm, quá {MAX_PRODUCTS}.",
                        "Tách danh sách thành nhiều tệp nhỏ hơn.")
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"khóa «{key[:40]}» lặp lại trong một đối tượng")
        out[key] = value
    return out


def _no_constant(name: str) -> None:
    raise ValueError(f"giá trị {name} không phải JSON chuẩn")


def _value(item: dict, name: str) -> Any:
    """The raw value as the importer's readers take it: text stays text, nested objects are refused."""
    value: Any = item
    for key in PATHS[name]:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)[:200]  # read as text: the reader reports it as a bad value
    if name == "group" and isinstance(value, str):
        return NationalType(value.strip())
    if name in DATE_FIELDS:
        return _date_text(value)
    return value


def _date_text(value: Any) -> str:
    """"2023-05-12", "12/05/2023" as they are; an ISO date-time as the date it is in Vietnam (UTC+7). A number
    is passed on as text so that it is never read as an Excel serial."""
    text = str(value).strip()
    if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
        if moment.tzinfo is not None:
            moment = moment.astimezone(VN)
        return moment.date().isoformat()
    return text
