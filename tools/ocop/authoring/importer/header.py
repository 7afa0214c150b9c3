"""Finding the header row of an annex table and what each column holds.

Provinces keep the annex of a recognition decision with title rows above the header, header cells merged
over two rows ("Quyết định công nhận" over "Số" and "Ngày"; "Xếp hạng" over "3 sao", "4 sao", "5 sao"), a
row of column numbers "(1) (2) (3)" under it, and their own wording. Labels are compared folded (no case,
accents or punctuation); `--map "Column label=field"` names the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ocop.model.units import fold

# field → (Vietnamese label for messages, folded labels that mean it)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stt": ("STT", ("stt", "tt", "so tt", "so thu tu")),
    "product_name": ("Tên sản phẩm", ("ten san pham", "san pham", "ten sp", "ten san pham ocop", "san pham ocop",
                                      "ten san pham dang ky", "ten san pham duoc cong nhan")),
    "producer_name": ("Chủ thể", ("chu the", "ten chu the", "don vi", "ten don vi", "chu the san xuat", "chu the ocop",
                                  "ten chu the san xuat", "co so san xuat", "don vi san xuat", "chu the san pham",
                                  "to chuc ca nhan", "ten to chuc ca nhan", "chu the kinh doanh", "ten chu the ocop",
                                  "ten chu the san xuat kinh doanh", "chu the san xuat kinh doanh")),
    "address": ("Địa chỉ", ("dia chi", "dia chi chu the", "dia chi san xuat", "dia chi tru so", "dia chi lien he",
                            "dia chi co so san xuat")),
    "star": ("Hạng sao", ("hang sao", "so sao", "xep hang", "hang", "ket qua xep hang", "ket qua phan hang",
                          "phan hang", "xep hang sao", "hang sao ocop", "ket qua xep hang sao", "sao")),
    "score": ("Điểm", ("diem", "diem so", "tong diem", "diem danh gia", "so diem", "diem trung binh",
                       "diem danh gia phan hang")),
    "group": ("Nhóm", ("nhom", "nhom san pham", "nganh", "nganh hang", "bo san pham", "nhom nganh", "nganh nhom",
                       "nhom nganh hang")),
    "subgroup": ("Phân nhóm", ("phan nhom", "phan nhom san pham", "nhom con")),
    "decision_number": ("Số quyết định", ("so quyet dinh", "so qd", "quyet dinh so", "so hieu quyet dinh",
                                          "so quyet dinh cong nhan", "so hieu van ban")),
    "decision_date": ("Ngày quyết định", ("ngay quyet dinh", "ngay qd", "ngay ban hanh", "ngay cong nhan", "ngay ky",
                                          "ngay quyet dinh cong nhan", "ngay ky quyet dinh")),
    "tax_code": ("Mã số thuế", ("ma so thue", "mst", "ma so doanh nghiep", "ma so thue ma so doanh nghiep",
                                "ma so doanh nghiep ma so thue")),
    "phone": ("Điện thoại", ("dien thoai", "so dien thoai", "sdt", "dt", "dien thoai lien he", "so dt",
                             "dien thoai lien lac")),
    "email": ("Thư điện tử", ("email", "e mail", "thu dien tu", "dia chi email", "dia chi thu dien tu")),
    "representative": ("Người đại diện", ("nguoi dai dien", "dai dien", "chu ho", "nguoi dai dien theo phap luat",
                                          "ho ten nguoi dai dien", "ten nguoi dai dien", "ho va ten nguoi dai dien")),
    "representative_position": ("Chức vụ", ("chuc vu", "chuc vu nguoi dai dien")),
    "producer_type": ("Loại hình", ("loai hinh", "loai hinh chu the", "loai hinh to chuc", "loai hinh doanh nghiep")),
    "registration_number": ("Số đăng ký", ("so dang ky", "so dang ky kinh doanh", "so dkkd", "giay chung nhan dang ky",
                                           "so giay chung nhan dang ky", "so giay dang ky", "ma so ho kinh doanh")),
    "description": ("Mô tả", ("mo ta", "mo ta san pham")),
    "story": ("Câu chuyện sản phẩm", ("cau chuyen san pham", "cau chuyen")),
    "valid_to": ("Ngày hết hạn", ("ngay het han", "het han", "hieu luc den", "ngay het hieu luc",
                                  "co hieu luc den")),
    "issuer": ("Cơ quan ban hành", ("co quan ban hanh", "cap cong nhan", "co quan cong nhan", "don vi ban hanh")),
    "star_3": ("3 sao", ()),
    "star_4": ("4 sao", ()),
    "star_5": ("5 sao", ()),
}
MAPPABLE = tuple(FIELDS)
IGNORE = "-"  # --map "Ghi chú=-": the column is not read
REQUIRED = ("product_name", "producer_name")
_LOOKUP = {alias: name for name, (_label, aliases) in FIELDS.items() for alias in aliases}
_STAR_MARK = re.compile(r"0?([345])\s*(?:sao|\*|★)?")
_NUMBERING = re.compile(r"\(?\d{1,2}\)?|\(?[a-z]\)?")  # "(1)", "2", "(a)": the row of column numbers under a header
SCAN_ROWS = 30  # the header is among the first rows that have something in them


def label_key(value: Any) -> str:
    """A header cell as compared: folded, no parentheses' content, punctuation and line breaks as spaces."""
    if not isinstance(value, str):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""
    text = re.sub(r"\([^)]*\)", " ", value) if re.sub(r"\([^)]*\)", "", value).strip() else value
    return " ".join(re.sub(r"[^0-9a-z★*]+", " ", fold(text)).split())


def field_of(label: str, parent: str = "") -> str | None:
    """The field a column label names, read in the context of the merged cell above it (if any)."""
    if parent:
        if "quyet dinh" in parent or parent.startswith("qd") or " qd" in parent:
            if label in ("so", "so hieu", "so qd", "so quyet dinh"):
                return "decision_number"
            if label.startswith("ngay"):
                return "decision_date"
        if any(w in parent for w in ("chu the", "don vi", "to chuc")):
            sub = {"ten": "producer_name", "ho ten": "producer_name", "dia chi": "address", "mst": "tax_code"}
            if label in sub:
                return sub[label]
        if "san pham" in parent and label in ("ten", "ten goi"):
            return "product_name"
        if any(w in parent for w in ("hang", "sao", "ket qua")):
            mark = _STAR_MARK.fullmatch(label)
            if mark:
                return f"star_{mark.group(1)}"
        combined = _LOOKUP.get(f"{parent} {label}")
        if combined:
            return combined
    mark = re.fullmatch(r"0?([345])\s*(?:sao|\*|★)", label)
    if mark:
        return f"star_{mark.group(1)}"
    return _LOOKUP.get(label)


@dataclass
class Header:
    row: int  # the (last) header row's number
    start: int  # index in Table.rows of the first data row
    columns: dict[str, int]  # field → column (0-based)
    labels: dict[int, str]  # column → its label as written (for messages)
    unknown: list[str] = field(default_factory=list)  # labels of columns that are not read

    def label(self, name: str) -> str:
        column = self.columns.get(name)
        return self.labels.get(column, FIELDS[name][0]) if column is not None else FIELDS[name][0]


@dataclass
class _Reading:
    columns: dict[str, int]
    labels: dict[int, str]
    keys: dict[int, tuple[str, ...]]  # column → every key it answers to (combined, sub, parent label)
    rows: int  # 1 or 2 header rows


def _shown_label(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _read(upper: tuple, lower: tuple | None) -> _Reading:
    columns: dict[str, int] = {}
    labels: dict[int, str] = {}
    keys: dict[int, tuple[str, ...]] = {}
    carry, carry_label = "", ""
    width = max(len(upper), len(lower or ()))
    for i in range(width):
        top = upper[i] if i < len(upper) else None
        sub = lower[i] if lower is not None and i < len(lower) else None
        top_key = label_key(top)
        if top_key:
            carry, carry_label = top_key, _shown_label(top)
        elif not (sub is not None and label_key(sub)):
            carry, carry_label = "", ""  # a merged header cell spans only columns that have a label below
        sub_key = label_key(sub) if lower is not None else ""
        parent = top_key or carry
        if sub_key:
            name = field_of(sub_key, parent)
            labels[i] = f"{carry_label if not top_key else _shown_label(top)} / {_shown_label(sub)}".strip(" /")
            keys[i] = tuple(k for k in (f"{parent} {sub_key}".strip(), sub_key, parent) if k)
        else:
            name = field_of(parent) if top_key else None
            labels[i] = _shown_label(top)
            keys[i] = (top_key,) if top_key else ()
        if name and name not in columns:
            columns[name] = i
    return _Reading(columns, labels, keys, 2 if lower is not None else 1)


def _is_subheader(values: tuple) -> bool:
    texts = [v for v in values if v is not None]
    return bool(texts) and all(isinstance(v, str) for v in texts) and not _is_numbering(values)


def _is_numbering(values: tuple) -> bool:
    texts = [label_key(v) if isinstance(v, str) else (str(v) if isinstance(v, int) else "x y") for v in values
             if v is not None]
    return len(texts) >= 3 and all(_NUMBERING.fullmatch(t.replace(" ", "")) for t in texts)


def apply_map(reading: _Reading, maps: list[tuple[str, str]]) -> list[str]:
    """Apply --map COLUMN=FIELD (a label as written, folded, or a column letter); the labels that matched nothing."""
    from ocop.authoring.importer.sheet import column_letter

    missing = []
    for column_text, name in maps:
        wanted = label_key(column_text)
        found = [i for i, ks in reading.keys.items() if wanted and wanted in ks]
        if not found and re.fullmatch(r"[A-Za-z]{1,3}", column_text.strip()):
            letter = column_text.strip().upper()
            found = [i for i in range(len(reading.labels) + 64) if column_letter(i) == letter][:1]
        if not found:
            missing.append(column_text)
            continue
        column = found[0]
        for other, where in list(reading.columns.items()):
            if where == column:
                del reading.columns[other]
        if name != IGNORE:
            reading.columns[name] = column
            reading.labels.setdefault(column, column_text)
    return missing


def detect(rows: list[tuple[int, tuple]], maps: list[tuple[str, str]] | None = None,
           ) -> tuple[Header | None, list[str]]:
    """The header among the first rows: the first row (or pair of rows) that names the required columns.

    Returns the header (None if there is none) and the --map labels that matched no column.
    """
    maps = maps or []
    best: tuple[tuple[int, int, int], _Reading, int] | None = None  # ((fields, -header rows, -index), reading, last)
    unmatched: list[str] = [c for c, _ in maps]
    for i, (_number, values) in enumerate(rows[:SCAN_ROWS]):
        readings = [(_read(values, None), i)]
        if i + 1 < len(rows) and rows[i + 1][0] == rows[i][0] + 1 and _is_subheader(rows[i + 1][1]):
            readings.append((_read(values, rows[i + 1][1]), i + 1))
        for reading, last in readings:
            missing = apply_map(reading, maps)
            if not all(r in reading.columns for r in REQUIRED):
                continue
            # the most columns read; then one header row rather than two (a title row above the header is not
            # a merged header); then the first
            score = (len(reading.columns), -reading.rows, -i)
            if best is None or score > best[0]:
                best, unmatched = (score, reading, last), missing
    if best is None:
        return None, unmatched
    _score, reading, last = best
    start = last + 1
    if start < len(rows) and _is_numbering(rows[start][1]):
        start += 1
    used = set(reading.columns.values())
    unknown = [label for col, label in sorted(reading.labels.items()) if col not in used and label]
    return Header(rows[last][0], start, dict(reading.columns), reading.labels, unknown), unmatched


def looks_like_header(first_rows: list[tuple]) -> bool:
    """For choosing a worksheet: do its first rows hold a header?"""
    rows = [(i + 1, values) for i, values in enumerate(first_rows) if any(v is not None for v in values)]
    return detect(rows)[0] is not None
