"""Reading a spreadsheet into rows of plain values: XLSX (openpyxl, read-only, streamed) or CSV (UTF-8).

Every input is treated as hostile: sizes are bounded before anything is parsed (file bytes, a workbook's
uncompressed parts, rows, columns), formulas are never evaluated (they come back as `Formula`), and a
file that cannot be read is an IMPORT-FILE or IMPORT-ENCODING finding, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.findings import Finding, make

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 20,000-row annex is ~1.5 MB as XLSX, ~4 MB as CSV
MAX_UNCOMPRESSED = 256 * 1024 * 1024  # all parts of a workbook, unzipped (a zip bomb stops here); 20,000 rows: ~17 MB
MAX_ROWS = 200_000  # rows read, blank ones included
MAX_COLUMNS = 64  # columns read; an annex has about 15
CSV_DELIMITERS = ",;\t"  # Excel writes ";" where the decimal separator is a comma
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and password-protected .xlsx
ZIP_MAGIC = b"PK\x03\x04"
Progress = Callable[[str, int, int], None]


class Formula(str):
    """A cell holding a formula (its text, "=HYPERLINK(…)"): never evaluated, never imported as a value."""


@dataclass
class Table:
    display: str  # the file as findings name it
    sheet: str | None  # the worksheet read; None for a CSV
    sheets: list[str] = field(default_factory=list)
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # (row number, values), blank rows kept out
    wide: bool = False  # some row had data beyond MAX_COLUMNS (ignored)

    def cell(self, row: int, column: int) -> str:
        """Where a person looks: "Sheet1!C12", "'Bảng 1'!C12", or "C12" in a CSV (column 0-based)."""
        ref = f"{column_letter(column)}{row}"
        return f"{quote_sheet(self.sheet)}!{ref}" if self.sheet is not None else ref

    def column_number(self, column: int) -> int:
        """The finding's `column`: the column's number, 1-based."""
        return column + 1


def column_letter(column: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(name: str) -> str:
    """A sheet name as formulas write it: quoted unless it is letters, digits and underscores only."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "'" + name.replace("'", "''") + "'"


class ReadError(Exception):
    def __init__(self, rule_id: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.rule_id, self.message, self.hint = rule_id, message, hint


def read(path: Path, display: str, sheet: str | None = None, pick: Callable[[list], bool] | None = None,
         progress: Progress | None = None) -> tuple[Table | None, list[Finding]]:
    """The table of the file, or None and the finding that says why not.

    `pick(first_rows)` chooses the worksheet when none is named: the first one it accepts (the one with a header
    row), else the first worksheet.
    """
    try:
        check_size(path, display, "Tách bảng tính thành nhiều tệp nhỏ hơn.")
        suffix = path.suffix.lower()
        if suffix == ".csv":
            return read_csv(path, display, progress), []
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx(path, display, sheet, pick, progress), []
        if suffix == ".xls":
            raise ReadError("IMPORT-FILE", "Tệp .xls (Excel 97-2003) không được hỗ trợ.",
                            "Mở bằng Excel hoặc LibreOffice rồi lưu lại dạng «Excel Workbook (.xlsx)».")
        raise ReadError("IMPORT-FILE", f"Không nhập được tệp đuôi «{_shown_suffix(path)}»: chỉ nhận .xlsx hoặc .csv.",
                        "Lưu bảng tính dạng .xlsx hoặc «CSV UTF-8».")
    except ReadError as err:
        return None, [make(err.rule_id, display, 1, 1, err.message, err.hint)]
    except OSError as err:
        return None, [make("IMPORT-FILE", display, 1, 1, f"Không mở được tệp: {err.strerror or err}.")]


def check_size(path: Path, display: str, hint: str) -> None:
    """A regular file within MAX_FILE_BYTES, or the ReadError that says why not (before anything is parsed)."""
    size = path.stat().st_size
    if not path.is_file():
        raise ReadError("IMPORT-FILE", f"«{display}» không phải là một tệp.")
    if size > MAX_FILE_BYTES:
        raise ReadError("IMPORT-FILE", f"Tệp lớn {size // (1024 * 1024)} MB, quá giới hạn "
                        f"{MAX_FILE_BYTES // (1024 * 1024)} MB.", hint)


def _shown_suffix(path: Path) -> str:
    return re.sub(r"[^\w.]", "?", path.suffix)[:12] or "(không có)"


# ---- CSV -----------------------------------------------------------------------------------------------

def read_csv(path: Path, display: str, progress: Progress | None = None) -> Table:
    raw = path.read_bytes()
    if raw.startswith(ZIP_MAGIC):
        raise ReadError("IMPORT-FILE", "Tệp đuôi .csv này thực ra là một bảng tính Excel (.xlsx).",
                        "Đổi đuôi tệp thành .xlsx, hoặc lưu lại dạng «CSV UTF-8».")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("IMPORT-ENCODING", "Tệp CSV được lưu bằng UTF-16 («Unicode Text»), không phải UTF-8.",
                        "Trong Excel: Tệp → Lưu thành → chọn «CSV UTF-8 (Comma delimited) (*.csv)».")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise ReadError("IMPORT-ENCODING",
                        f"Tệp CSV không phải UTF-8: byte 0x{raw[err.start]:02X} ở dòng {line} không hợp lệ "
                        "(có lẽ tệp được lưu bằng bảng mã Windows-1258 hoặc TCVN3).",
                        "Trong Excel: Tệp → Lưu thành → chọn «CSV UTF-8 (Comma delimited) (*.csv)»; "
                        "trong LibreOffice: chọn bộ ký tự «Unicode (UTF-8)».") from None
    if "\x00" in text:
        raise ReadError("IMPORT-FILE", "Tệp CSV chứa byte 0 (NUL): đây không phải một tệp văn bản.",
                        "Lưu lại bảng tính dạng «CSV UTF-8».")
    table = Table(display, None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FILE_BYTES)  # one cell may be long (the importer reports it); the file is bounded
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise ReadError("IMPORT-FILE", f"Tệp có hơn {MAX_ROWS:,} dòng.".replace(",", "."),
                                "Tách bảng tính thành nhiều tệp nhỏ hơn.")
            if len(record) > MAX_COLUMNS and any(v.strip() for v in record[MAX_COLUMNS:]):
                table.wide = True
            values = tuple((Formula(v) if v.startswith("=") else v) if v.strip() else None
                           for v in record[:MAX_COLUMNS])
            if any(v is not None for v in values):
                table.rows.append((number, values))
            if progress and number % 2000 == 0:
                progress("đọc", number, 0)
    except csv.Error as err:
        raise ReadError("IMPORT-FILE", f"Tệp CSV sai cấu trúc ở dòng {reader.line_num}: {err}.",
                        "Mở tệp bằng Excel và lưu lại dạng «CSV UTF-8».") from None
    finally:
        csv.field_size_limit(old_limit)
    return table


def _delimiter(text: str) -> str:
    """",", ";" or tab: the one that splits the first lines into the most columns, outside quotes."""
    sample = text[:64 * 1024]
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.split("\n", 1)[0].count(d) for d in CSV_DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


# ---- XLSX ----------------------------------------------------------------------------------------------

def read_xlsx(path: Path, display: str, sheet: str | None, pick: Callable[[list], bool] | None,
              progress: Progress | None = None) -> Table:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        raise ReadError("IMPORT-FILE", "Tệp là bảng tính Excel 97-2003 hoặc được đặt mật khẩu: không đọc được.",
                        "Bỏ mật khẩu (nếu có) rồi lưu lại dạng «Excel Workbook (.xlsx)».")
    if not head.startswith(ZIP_MAGIC):
        raise ReadError("IMPORT-FILE", "Tệp không phải bảng tính .xlsx (không đúng cấu trúc tệp Excel).",
                        "Mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng «Excel Workbook (.xlsx)».")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise ReadError("IMPORT-FILE", f"Tệp .xlsx bị hỏng ({type(err).__name__}).",
                        "Mở tệp bằng Excel và lưu lại.") from None
    if unpacked > MAX_UNCOMPRESSED:
        raise ReadError("IMPORT-FILE", f"Tệp .xlsx giải nén ra {unpacked // (1024 * 1024)} MB, quá giới hạn "
                        f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB.", "Tách bảng tính thành nhiều tệp nhỏ hơn.")
    import openpyxl  # only `ocop import` needs it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Workbook contains no default style" and the like
            book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as err:  # openpyxl raises many kinds on a damaged or foreign file
        raise ReadError("IMPORT-FILE", f"Không đọc được tệp .xlsx ({type(err).__name__}).",
                        "Mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng «Excel Workbook (.xlsx)».") from None
    try:
        names = list(book.sheetnames)
        worksheets = [ws for ws in book.worksheets if hasattr(ws, "iter_rows")]
        chosen = _choose(worksheets, sheet, pick)
        table = Table(display, chosen.title, names)
        _read_rows(chosen, table, progress)
        return table
    except ReadError:
        raise
    except Exception as err:  # a damaged part discovered while streaming rows
        raise ReadError("IMPORT-FILE", f"Tệp .xlsx bị hỏng khi đọc các dòng ({type(err).__name__}).",
                        "Mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng «Excel Workbook (.xlsx)».") from None
    finally:
        with contextlib.suppress(Exception):
            book.close()


def _choose(worksheets: list, name: str | None, pick: Callable[[list], bool] | None) -> Any:
    if not worksheets:
        raise ReadError("IMPORT-FILE", "Tệp .xlsx không có trang tính nào.")
    if name is not None:
        for ws in worksheets:
            if ws.title == name:
                return ws
        from ocop.model.units import fold

        for ws in worksheets:
            if fold(ws.title) == fold(name):
                return ws
        listed = ", ".join(f"«{ws.title}»" for ws in worksheets[:20])
        raise ReadError("IMPORT-FILE", f"Không có trang tính «{name[:100]}». Tệp có: {listed}.",
                        "Chọn một trang tính có trong tệp bằng --sheet.")
    if pick is not None and len(worksheets) > 1:
        for ws in worksheets:
            if pick([values for _n, values in _rows(ws, max_row=40)]):
                return ws
    return worksheets[0]


def _rows(ws: Any, max_row: int | None = None, table: Table | None = None):
    """(row number, values) of the non-blank rows, at most MAX_COLUMNS wide."""
    with contextlib.suppress(AttributeError):
        ws.reset_dimensions()  # a lying <dimension> must not widen every row to 16,384 cells
    limit = MAX_ROWS + 1 if max_row is None else max_row
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_row=limit, max_col=MAX_COLUMNS + 1,
                                                values_only=True), start=1):
        if number > MAX_ROWS:
            raise ReadError("IMPORT-FILE", f"Trang tính có hơn {MAX_ROWS:,} dòng.".replace(",", "."),
                            "Tách bảng tính thành nhiều tệp nhỏ hơn.")
        if not cells:
            continue
        if table is not None and len(cells) > MAX_COLUMNS and cells[MAX_COLUMNS] is not None:
            table.wide = True
        values = tuple(_value(v) for v in cells[:MAX_COLUMNS])
        if any(v is not None for v in values):
            yield number, values


def _read_rows(ws: Any, table: Table, progress: Progress | None) -> None:
    for number, values in _rows(ws, table=table):
        table.rows.append((number, values))
        if progress and len(table.rows) % 2000 == 0:
            progress("đọc", len(table.rows), 0)


def _value(value: Any) -> Any:
    """A cell's value as plain data: text, number, date, bool or None; formulas as `Formula`."""
    if value is None or isinstance(value, (int, float, bool, dt.datetime, dt.date)):
        return value
    if isinstance(value, str):
        if value.startswith("="):
            return Formula(value)
        return value if value.strip() else None
    if isinstance(value, dt.time):
        return value.isoformat()
    text = getattr(value, "text", None)  # array and data-table formulas
    return Formula(text if isinstance(text, str) and text.startswith("=") else f"={text or ''}")
