"""`ocop export xlsx`: the registry as one workbook for officers.

A sheet per kind with Vietnamese headers, a frozen header row and filters; derived columns (the state of a
certificate and of a product as of a date, its validity, the current star); codes stored as text so that
tax codes and unit codes keep their leading zeros. Every value is written as a string or a number, never
a formula: a record's text that starts with "=" stays text in Excel and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocop.domain import lifecycle
from ocop.model import labels
from ocop.model.registry import Record, Registry

TEXT = "@"  # the number format that makes a spreadsheet keep a cell as text
IN_FORCE = lifecycle.RECOGNISED


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Record], Any]
    text: bool = True  # codes, names, dates as text; numbers (stars, scores) as numbers


@dataclass
class Facts:
    """What the registry works out as of `today`, computed once for every sheet."""

    registry: Registry
    today: dt.date

    def __post_init__(self) -> None:
        revoked = lifecycle.revocations(self.registry)
        self.status = {c.id: lifecycle.status(self.registry, c, self.today, revoked)
                       for c in self.registry.all("certificate")}
        self._current: dict[str, lifecycle.Status | None] = {}

    def province_name(self, record: Record) -> str:
        province = self.registry.province(str(record.get("province")))
        return str(province.get("name")) if province else str(record.get("province") or "")

    def current(self, product: Record) -> lifecycle.Status | None:
        """The product's certificate in force with the latest start, else its latest certificate (once per
        product: four columns ask)."""
        if product.id not in self._current:
            self._current[product.id] = self._newest(product)
        return self._current[product.id]

    def _newest(self, product: Record) -> lifecycle.Status | None:
        statuses = [self.status[c.id] for c in self.registry.certificates_of_product.get(product.id, [])
                    if c.id in self.status]
        ordered = sorted(statuses, key=lambda s: (s.state in IN_FORCE, s.valid_from or dt.date.min, s.cert.id))
        return ordered[-1] if ordered else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def sheets(facts: Facts) -> dict[str, tuple[str, list[Column]]]:
    """Sheet title → (record kind, columns)."""
    reg = facts.registry

    def producer_name(r: Record) -> str:
        producer = reg.get("producer", r.get("producer"))
        return _text(producer.get("name")) if producer else ""

    def product_name(r: Record) -> str:
        product = reg.get("product", r.get("product"))
        return _text(product.get("name")) if product else ""

    def state(s: lifecycle.Status | None) -> str:
        return lifecycle.STATE_VI[s.state] if s else "chưa có chứng nhận"

    province = Column("Tỉnh, thành phố", facts.province_name)
    return {
        "Chủ thể": ("producer", [
            Column("Mã", lambda r: r.id), Column("Tên", lambda r: _text(r.get("name"))),
            Column("Loại hình", lambda r: labels.label(labels.PRODUCER_TYPES, r.get("type"))),
            Column("Mã số thuế", lambda r: _text(r.get("tax_code"))),
            Column("Số đăng ký", lambda r: _text(r.get("registration_number"))),
            Column("Người đại diện", lambda r: _text((r.get("representative") or {}).get("name"))),
            Column("Điện thoại", lambda r: _text((r.get("contacts") or {}).get("phone"))),
            Column("Thư điện tử", lambda r: _text((r.get("contacts") or {}).get("email"))),
            province]),
        "Sản phẩm": ("product", [
            Column("Mã", lambda r: r.id), Column("Tên", lambda r: _text(r.get("name"))),
            Column("Mã chủ thể", lambda r: _text(r.get("producer"))), Column("Chủ thể", producer_name),
            Column("Nhóm", lambda r: labels.label(labels.GROUPS, (r.get("classification") or {}).get("group"))),
            Column("Hạng sao hiện hành", lambda r: _star(facts.current(r)), text=False),
            Column("Trạng thái", lambda r: state(facts.current(r))),
            Column("Chứng nhận hiện hành", lambda r: s.cert.id if (s := facts.current(r)) else ""),
            Column("Hiệu lực đến", lambda r: _date(s.valid_to) if (s := facts.current(r)) else ""),
            province]),
        "Giấy chứng nhận": ("certificate", [
            Column("Mã", lambda r: r.id), Column("Mã sản phẩm", lambda r: _text(r.get("product"))),
            Column("Sản phẩm", product_name), Column("Quyết định", lambda r: _text(r.get("decision"))),
            Column("Hạng sao", lambda r: r.get("star"), text=False), Column("Điểm", lambda r: r.get("score"), text=False),
            Column("Hiệu lực từ", lambda r: _date(facts.status[r.id].valid_from)),
            Column("Hiệu lực đến", lambda r: _date(facts.status[r.id].valid_to)),
            Column("Trạng thái", lambda r: state(facts.status[r.id])),
            province]),
        "Quyết định": ("decision", [
            Column("Mã", lambda r: r.id), Column("Số", lambda r: _text(r.get("number"))),
            Column("Ngày", lambda r: _text(r.get("date"))),
            Column("Loại", lambda r: labels.label(labels.DECISION_TYPES, r.get("type"))),
            Column("Cơ quan ban hành", lambda r: _text((r.get("issuer") or {}).get("name"))),
            Column("Số sản phẩm", lambda r: len(r.get("entries") or []), text=False),
            province]),
        "Phiếu đánh giá": ("evaluation", [
            Column("Mã", lambda r: r.id), Column("Mã sản phẩm", lambda r: _text(r.get("product"))),
            Column("Sản phẩm", product_name), Column("Ngày", lambda r: _text(r.get("date"))),
            Column("Bộ tiêu chí", lambda r: _text(r.get("criteria_set"))),
            Column("Tổng điểm", lambda r: r.get("total"), text=False),
            Column("Hạng sao", lambda r: r.get("star"), text=False),
            province]),
    }


def _star(s: lifecycle.Status | None) -> int | None:
    return s.cert.get("star") if s and s.state in IN_FORCE else None


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def write(registry: Registry, out: Path, today: dt.date, province: str | None = None) -> Path:
    """The workbook at `out`: every record, or one province's (its folder)."""
    from openpyxl import Workbook  # imported on use: only this command needs it

    facts = Facts(registry, today)
    book = Workbook()
    book.remove(book.active)
    for title, (kind, columns) in sheets(facts).items():
        sheet = book.create_sheet(title)
        sheet.append([c.header for c in columns])
        records = sorted((r for r in registry.all(kind) if province is None or r.get("province") == province),
                         key=lambda r: r.id)
        for row, record in enumerate(records, start=2):
            for col, column in enumerate(columns, start=1):
                _put(sheet.cell(row=row, column=col), column.value(record), column.text)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for col, column in enumerate(columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = max(12, len(column.header) + 4)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _put(cell: Any, value: Any, text: bool) -> None:
    if not text:
        cell.value = _number(value)
        return
    cell.value = _text(value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    cell.number_format = TEXT
