"""`ocop import`: producers, products, decisions and certificates from a province's spreadsheet (the annex table
of a recognition decision, XLSX or CSV).

- `sheet`: the file to rows of plain values (bounded, formulas never evaluated);
- `national`: the national OCOP system's product JSON to the same rows (`ocop import ocop-vn FILE.json`);
- `header`: the header row and what each column holds (merged cells, provinces' wording, --map);
- `values`: one cell's value ("3 sao", dd/mm/yyyy, tax codes that lost their leading zero);
- `address`: free-text addresses to unit codes of the 2004 or 2025 code list (through `model.units`);
- `engine`: matching, the records to write, the check, the writing (all or nothing);
- `render`: record texts in canonical form; `preflight`: `ocop validate` on texts not yet written.

Findings point at cells of the spreadsheet (`Finding.cell`, "Sheet1!C12") and go through the usual reporters.
"""

from __future__ import annotations

from ocop.authoring.importer import values
from ocop.authoring.importer.engine import KINDS, STATUSES, Options, Outcome, run
from ocop.authoring.importer.national import SOURCE as NATIONAL
from ocop.findings import has_errors
from ocop.report import Report, Table
from ocop.report.markdown import cell, findings_table, render_table
from ocop.report.text import finding_lines

__all__ = ["Options", "Outcome", "report", "run"]

STATUS_VI = {"created": "tạo mới", "updated": "cập nhật", "unchanged": "không đổi", "skipped": "bỏ qua"}
KIND_PLURAL_VI = {"producer": "Chủ thể", "product": "Sản phẩm", "decision": "Quyết định", "certificate": "Chứng nhận"}
ROWS_VI = {"data": "dòng dữ liệu", "section": "dòng tiêu đề mục", "total": "dòng tổng"}


def report(options: Options, outcome: Outcome) -> Report:
    """The run as a Report: the findings at their cells, the counts as a summary and a table, JSON with both."""
    errors = has_errors(outcome.findings)
    counts = outcome.counts
    if outcome.written:
        verdict = "ĐÃ NHẬP"
    elif options.dry_run:
        verdict = "THỬ (--dry-run, không ghi gì)"
    elif errors and not options.partial:
        verdict = "KHÔNG NHẬP: có lỗi, không ghi tệp nào (sửa bảng tính, hoặc --partial để nhập các dòng không lỗi)"
    elif not outcome.files:
        verdict = "KHÔNG CÓ GÌ ĐỂ GHI"
    else:
        verdict = "KHÔNG NHẬP: kiểm tra sau khi ghi có lỗi, các tệp đã được khôi phục"
    rows = outcome.rows
    national_json = options.source == NATIONAL
    names = {"data": "sản phẩm"} if national_json else ROWS_VI
    row_text = ", ".join(f"{rows[k]} {v}" for k, v in names.items() if rows.get(k)) or f"không có {names['data']}"
    parts = [f"{KIND_PLURAL_VI[k]}: " + ", ".join(f"{counts[k][s]} {STATUS_VI[s]}" for s in STATUSES)
             for k in KINDS if k in counts and sum(counts[k].values())]
    where = f"trang tính «{outcome.sheet}», " if outcome.sheet is not None else ""
    header = f"tiêu đề ở dòng {outcome.header_row}; " if outcome.header_row else ""
    errors_n = sum(f.severity == "error" for f in outcome.findings)
    summary = (f"{verdict}. {options.display}: {where}{header}{row_text}. " + ("; ".join(parts) + ". " if parts else "")
               + f"{errors_n} lỗi, {len(outcome.findings) - errors_n} cảnh báo.")
    lines = []
    for f in outcome.findings:
        lines += finding_lines(f)
    verb = "đã ghi" if outcome.written else "sẽ ghi"
    lines += [f"{verb}: {rel} ({STATUS_VI[status]})" for status, rel in outcome.files[:200]]
    if len(outcome.files) > 200:
        lines.append(f"… và {len(outcome.files) - 200} tệp nữa (xem đủ bằng --format json).")
    if outcome.unknown_columns:
        shown = ", ".join(f"«{values.shown(c[:40])}»" for c in outcome.unknown_columns[:12])  # a JSON key is any text
        lines.append(f"{'trường' if national_json else 'cột'} không đọc: {shown}")
    table = Table(("Loại hồ sơ", *(STATUS_VI[s].capitalize() for s in STATUSES)),
                  [(KIND_PLURAL_VI[k], *(str(counts[k][s]) for s in STATUSES)) for k in KINDS if k in counts])
    data = {"file": options.display, "source": options.source, "sheet": outcome.sheet, "header_row": outcome.header_row,
            "written": outcome.written, "dry_run": options.dry_run,
            "rows": dict(outcome.rows), "counts": {k: dict(v) for k, v in counts.items()},
            "files": [{"path": rel, "status": status} for status, rel in outcome.files],
            "unknown_columns": outcome.unknown_columns,
            "findings": [f.to_dict() for f in outcome.findings]}
    title = f"Nhập danh sách của hệ thống OCOP quốc gia {options.display}" if national_json else \
        f"Nhập bảng tính {options.display}"
    result = Report(title, summary, outcome.findings, lines=lines, data=data)
    findings = findings_table(result)
    result.document = (f"## {cell(result.title)}\n\n{cell(summary)}\n\n" + render_table(table)
                       + (("\n" + render_table(findings)) if findings else ""))
    return result
