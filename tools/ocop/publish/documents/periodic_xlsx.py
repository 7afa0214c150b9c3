"""The periodic report's tables as a workbook: one sheet per appendix table, the same rows and numbers.

Styled like `ocop export xlsx` (`publish/export_xlsx.py`): a bold frozen header row with filters, text stored
as text (never a formula, whatever a record's name starts with), counts and scores as numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ocop.publish.export_xlsx import TEXT

SAMPLE_NOTE = "Lưu ý: số liệu có hồ sơ mẫu (hư cấu), chỉ dùng để minh họa."


def _put(cell: Any, value: Any, numeric: bool) -> None:
    if numeric and isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
        return
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"  # never a formula
    cell.number_format = TEXT


def write(tables: list, out: Path, sample: bool = False) -> Path:
    """`tables`: `periodic_document.Table`s; a heading row of a table becomes a row with its title in bold."""
    from openpyxl import Workbook  # imported on use: only this output needs it
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.sheet)
        columns = list(table.columns)
        sheet.append([c["label"] for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(table.rows, start=2):  # not sheet.max_row: it scans every cell
            values = ([row["group"], row["task"]] + [""] * (len(columns) - 2)) if row.get("group") else \
                [row.get(c["key"]) for c in columns]
            for col, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
                cell = sheet.cell(row=number, column=col)
                _put(cell, value, column.get("numeric", False) and not row.get("group"))
                if row.get("group"):
                    cell.font = Font(bold=True)
        if sample:
            sheet.cell(row=len(table.rows) + 3, column=1, value=SAMPLE_NOTE).data_type = "s"
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{sheet.cell(row=1, column=len(columns)).column_letter}{len(table.rows) + 1}"
        for col, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=col).column_letter
            sheet.column_dimensions[letter].width = max(8, min(60, round(column["width"] * 10)))
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out
