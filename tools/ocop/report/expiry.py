"""The expiry listing as a Report: one row per certificate, annotations for the expired and expiring."""

from __future__ import annotations

import datetime as dt

from ocop.domain import lifecycle
from ocop.model.registry import Registry
from ocop.report.model import Report, Table


def expiry_report(registry: Registry, rows: list[lifecycle.Status], today: dt.date) -> Report:
    return Report(
        title=f"Chứng nhận OCOP hết hạn / sắp hết hạn (ngày {today})",
        summary=summary(rows, today),
        findings=[lifecycle.finding_for(s) for s in rows if s.state in ("expired", "expiring")],
        lines=[f"{s.cert.path}: {s.cert.id} {s.cert.get('star')}★ hiệu lực đến {s.valid_to} — "
               f"{lifecycle.STATE_VI[s.state]} ({_days(s)})" for s in rows],
        table=table(registry, rows, with_days=True),
        data=[s.to_json(registry) for s in rows],
    )


def table(registry: Registry, rows: list[lifecycle.Status], with_days: bool) -> Table:
    columns = ("Chứng nhận", "Sản phẩm", "Hạng", "Hiệu lực đến", "Trạng thái") + (("Còn (ngày)",) if with_days else ())
    out = []
    for s in rows:
        product = registry.get("product", s.cert.get("product"))
        name = str(product.get("name")) if product else str(s.cert.get("product"))
        cells = (s.cert.id, name, f"{s.cert.get('star')}★", str(s.valid_to or ""), lifecycle.STATE_VI[s.state])
        if with_days:
            cells += (str(s.days_left if s.days_left is not None else ""),)
        out.append(cells)
    return Table(columns, out, code=frozenset({0}))


def _days(s: lifecycle.Status) -> str:
    if s.days_left is None:
        return "không rõ ngày"
    return f"còn {s.days_left} ngày" if s.days_left >= 0 else f"quá {-s.days_left} ngày"


def summary(rows: list[lifecycle.Status], today: dt.date) -> str:
    count = {state: sum(s.state == state for s in rows) for state in ("expired", "expiring", "valid")}
    return (f"Ngày {today}: {count['expired']} đã hết hạn, {count['expiring']} sắp hết hạn (≤ {lifecycle.NOTICE_DAYS} ngày), "
            f"{count['valid']} hết hạn trong thời gian tới.")
