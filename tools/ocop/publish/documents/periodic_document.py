"""The periodic BÁO CÁO as a plan-shaped record for the plans' renderers, its appendix tables (also the XLSX
sheets), and the text summary `ocop report` prints. Every number comes from `Figures.counts()` or the lists
it counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocop.domain import scoring
from ocop.domain.lifecycle import add_months
from ocop.model import labels, units
from ocop.publish.documents import progress
from ocop.publish.documents.docx import render_docx
from ocop.publish.documents.pdf import render_pdf
from ocop.publish.documents.periodic import (
    EXPIRING_MONTHS,
    KIND_VI,
    RECOGNITION_KINDS,
    Figures,
    central_body,
)
from ocop.publish.documents.plan import number_text, short_date
from ocop.publish.documents.progress import Progress

SUMMARY_KINDS = (*RECOGNITION_KINDS, "revocation", "expiration", "expiring")


def num(value: float | None) -> str:
    """Vietnamese number: 64,5; whole numbers without decimals."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.2f}".rstrip("0").replace(".", ",")


@dataclass
class Table:
    """One appendix table, and one XLSX sheet: columns (key, label, width), rows of raw values; a row with
    `group` is a heading row (its title in `task`)."""

    sheet: str
    title: str
    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]


def _col(key: str, label: str, width: float, numeric: bool = False) -> dict[str, Any]:
    return {"key": key, "label": label, "width": width, "numeric": numeric}


def _short_name(name: str) -> str:
    """'Thành phố Hải Phòng' -> 'thành phố Hải Phòng' for running text."""
    kind, rest = units.split_type(name)
    return f"{units.TYPE_WORDS[kind]} {rest}" if kind else name


def _place(name: str) -> str:
    return units.split_type(name)[1] or name


def province_name(figures: Figures, slug: str) -> str:
    return figures.province_names.get(slug, slug)


# --- tables -----------------------------------------------------------------------------------

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _grouped(sections: list[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, (title, items) in enumerate(sections):
        rows.append({"group": ROMAN[i], "task": title})
        rows.extend({"stt": str(n), **item} for n, item in enumerate(items, start=1))
    return rows


def groups_in_force(day: str) -> list[str]:
    """The product groups of the criteria set in force on `day` (148's six groups today), in its order."""
    criteria = scoring.set_in_force(day)
    groups = [p.group for p in criteria.product_sets.values() if p.group] if criteria else labels.GROUP_ORDER
    return list(dict.fromkeys(groups))


def next_window(figures: Figures) -> str:
    """'01/01/2026 đến ngày 30/6/2026': the 6 months after the report's last day."""
    last = dt.date.fromisoformat(figures.end)
    first = (last + dt.timedelta(days=1)).isoformat()
    return f"{short_date(first)} đến ngày {short_date(add_months(last, EXPIRING_MONTHS).isoformat())}"


def summary_table(figures: Figures) -> Table:
    c = figures.counts()
    end = short_date(figures.end)
    horizon = f"hết hiệu lực từ ngày {next_window(figures)}"
    period = [{"task": KIND_VI[k] if k != "expiring" else "Giấy chứng nhận sắp hết hạn", "count": c[k],
               "note": horizon if k == "expiring" else ""} for k in SUMMARY_KINDS]
    stars = [{"task": f"{s} sao", "count": c[f"new.star.{s}"]} for s in (3, 4, 5)]
    present = {k.split(".", 2)[2] for k in c if k.startswith("new.group.")}
    group_names = [labels.GROUPS.get(g, g) for g in groups_in_force(figures.end)]
    group_names += sorted(present - set(group_names))
    groups = [{"task": g, "count": c.get(f"new.group.{g}", 0)} for g in group_names]
    communes = [{"task": k.split(".", 2)[2], "count": v} for k, v in sorted(c.items()) if k.startswith("new.commune.")]
    grounds = [{"task": k.split(".", 2)[2], "count": v} for k, v in sorted(c.items())
               if k.startswith("revocation.grounds.")]
    evaluations = [{"task": "Số lượt đánh giá, phân hạng của hội đồng", "count": c["evaluations"]},
                   {"task": "Điểm bình quân", "count": c["evaluations.average"] if c["evaluations"] else None}]
    total = [{"task": "Sản phẩm OCOP còn hiệu lực", "count": c["in_force"]},
             *({"task": f"Trong đó {s} sao", "count": c[f"in_force.star.{s}"]} for s in (3, 4, 5)),
             {"task": "Chủ thể có sản phẩm OCOP còn hiệu lực", "count": c["producers_in_force"]}]
    sections = [(f"Kết quả {figures.period.label}", period), ("Công nhận mới theo hạng sao", stars),
                ("Công nhận mới theo nhóm sản phẩm", groups),
                ("Công nhận mới theo xã, phường (đơn vị hành chính hiện nay)", communes),
                ("Thu hồi theo căn cứ", grounds), ("Đánh giá, phân hạng", evaluations),
                (f"Lũy kế đến ngày {end}", total)]
    if figures.scope.national:
        sections = [s for s in sections if not s[0].startswith("Công nhận mới theo xã")]
    return Table("Tổng hợp", "SỐ LIỆU TỔNG HỢP",
                 [_col("stt", "STT", 0.6), _col("task", "Nội dung", 6), _col("count", "Số lượng", 1.4, True),
                  _col("note", "Ghi chú", 3)], _grouped(sections))


def province_table(figures: Figures) -> Table:
    columns = [_col("stt", "STT", 0.6), _col("task", "Tỉnh, thành phố", 2.6)]
    columns += [_col(k, KIND_VI[k] if k != "expiring" else "Sắp hết hạn", 1.2, True) for k in SUMMARY_KINDS]
    columns += [_col("evaluations", "Lượt đánh giá", 1.2, True), _col("in_force", "Còn hiệu lực (lũy kế)", 1.3, True)]
    rows = [{"stt": str(i), "task": province_name(figures, slug), **figures.province_row(slug)}
            for i, slug in enumerate(figures.provinces(), start=1)]
    c = figures.counts()
    total = {"stt": "", "task": "Tổng cộng", **{k: c[k] for k in SUMMARY_KINDS},
             "evaluations": c["evaluations"], "in_force": c["in_force"]}
    return Table("Theo tỉnh", "SỐ LIỆU THEO TỈNH, THÀNH PHỐ (ĐƠN VỊ HÀNH CHÍNH SAU SẮP XẾP NĂM 2025)", columns,
                 [*rows, total])


def products_table(figures: Figures) -> Table:
    place = "Tỉnh, thành phố; xã, phường" if figures.scope.national else "Xã, phường"
    columns = [_col("stt", "STT", 0.6), _col("task", "Sản phẩm", 3), _col("producer", "Chủ thể", 2.6),
               _col("place", place, 2.4), _col("star", "Hạng sao", 0.9, True),
               _col("reference", "Quyết định, giấy chứng nhận", 2.8), _col("detail", "Ghi chú", 2.2)]
    sections = []
    for kind in ("new", "re_recognition", "upgrade", "revocation", "expiration", "expiring"):
        events = figures.of(kind)
        items = [{"task": e.product_name, "producer": e.producer_name,
                  "place": f"{province_name(figures, e.province)}; {e.commune}" if figures.scope.national
                  else e.commune, "star": e.star, "reference": e.reference, "detail": e.detail} for e in events]
        sections.append((f"{KIND_VI[kind]}: {num(len(events))} sản phẩm", items))
    return Table("Danh sách sản phẩm", "DANH SÁCH SẢN PHẨM CÔNG NHẬN, CÔNG NHẬN LẠI, NÂNG HẠNG, THU HỒI, HẾT HẠN "
                 "VÀ SẮP HẾT HẠN", columns, _grouped(sections))


def evaluations_table(figures: Figures) -> Table:
    columns = [_col("stt", "STT", 0.6), _col("task", "Sản phẩm", 4), _col("date", "Ngày đánh giá", 1.4),
               _col("score", "Tổng điểm", 1.2, True), _col("star", "Hạng sao đề xuất", 1.2, True)]
    if figures.scope.national:
        columns.insert(2, _col("province", "Tỉnh, thành phố", 2.4))
    rows = []
    for i, e in enumerate(figures.evaluations, start=1):
        rows.append({"stt": str(i), "task": e.product_name, "province": province_name(figures, e.province),
                     "date": short_date(e.date), "score": e.score, "star": e.star})
    return Table("Đánh giá", "SẢN PHẨM ĐƯỢC HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG TRONG KỲ", columns, rows)


def _actual(p: Progress) -> str:
    return num(p.actual) + ("%" if p.unit == "%" and p.actual is not None else "")


def plan_ref(plan: dict) -> str:
    number = f"số {number_text(plan)}" if plan.get("number") else f"(dự thảo) {plan['symbol']}"
    dated = f" ngày {short_date(plan['date'])}" if plan.get("date") else ""
    return f"Kế hoạch {number}{dated} của {plan['issuer']['name']} ({plan['period']['label']})"


def targets_table(figures: Figures) -> Table:
    columns = [_col("stt", "STT", 0.6), _col("task", "Chỉ tiêu", 5), _col("period", "Thời kỳ", 1.8),
               _col("goal", "Kế hoạch", 1.5), _col("actual", "Thực hiện", 1.2), _col("state", "Đánh giá", 1.5)]
    sections = [(plan_ref(plan), [{"task": _target(p), "period": f"{short_date(p.period_from)} - {short_date(p.period_to)}",
                                   "goal": p.goal, "actual": _actual(p), "state": p.state_label} for p in rows])
                for plan, rows in figures.plans]
    return Table("Chỉ tiêu kế hoạch", "SO SÁNH VỚI CHỈ TIÊU CỦA CÁC KẾ HOẠCH", columns, _grouped(sections))


def tables(figures: Figures) -> list[Table]:
    out = [summary_table(figures)]
    if figures.scope.national:
        out.append(province_table(figures))
    out += [products_table(figures), evaluations_table(figures)]
    if figures.plans:
        out.append(targets_table(figures))
    return out


# --- the document -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Issuer:
    header: list[str]
    name: str  # "UBND thành phố Hải Phòng", "Bộ Nông nghiệp và Môi trường"
    level: str
    symbol: str
    place: str
    authority: list[str]
    position: str


def issuer_of(figures: Figures, today: dt.date) -> Issuer:
    """The body issuing the report now: the current province's UBND, or the ministry in charge on `today`."""
    if figures.scope.national:
        central = central_body(today)
        name = central.name if central else "Bộ Nông nghiệp và Môi trường"
        symbol = f"BC-{central.symbol}" if central and central.symbol else "BC"
        return Issuer(header_lines(name.upper()), name, "central", symbol, "Hà Nội", ["KT. BỘ TRƯỞNG"], "THỨ TRƯỞNG")
    name = figures.scope.name
    return Issuer(["ỦY BAN NHÂN DÂN", name.upper()], f"UBND {_short_name(name)}", "province", "BC-UBND",
                  _place(name), ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH")


def header_lines(name: str, width: int = 22) -> list[str]:
    """A long body's name on two lines split at the space nearest the middle, as printed in headers
    ("BỘ NÔNG NGHIỆP" over "VÀ MÔI TRƯỜNG"); a short one on one line."""
    if len(name) <= width or " " not in name:
        return [name]
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: abs(2 * i - len(name)))
    return [name[:cut], name[cut + 1:]]


def _stars(c: dict[str, float], prefix: str) -> str:
    return "; ".join(f"{s} sao: {num(c[f'{prefix}.star.{s}'])}" for s in (3, 4, 5))


def _where(figures: Figures) -> str:
    return "trên phạm vi toàn quốc" if figures.scope.national else f"trên địa bàn {_short_name(figures.scope.name)}"


def _window(figures: Figures) -> str:
    cut = "" if figures.end == figures.period.end else f" (số liệu đến ngày {short_date(figures.end)})"
    return f"từ ngày {short_date(figures.period.start)} đến ngày {short_date(figures.period.end)}{cut}"


def results_body(figures: Figures) -> list[dict[str, Any]]:
    c = figures.counts()
    grounds = "; ".join(f"{k.split('.', 2)[2].lower()}: {num(v)}" for k, v in sorted(c.items())
                        if k.startswith("revocation.grounds."))
    evaluated = (f"Hội đồng đánh giá, phân hạng các cấp đã đánh giá {num(c['evaluations'])} lượt sản phẩm, điểm bình "
                 f"quân {num(c['evaluations.average'])} điểm (danh sách tại Phụ lục)."
                 if c["evaluations"] else "Trong kỳ, Sổ đăng ký không có phiếu đánh giá, phân hạng nào.")
    return [
        {"title": "Công nhận sản phẩm OCOP",
         "body": [f"Trong kỳ báo cáo ({_window(figures)}), {_where(figures)} có {num(c['new'])} sản phẩm được công "
                  f"nhận mới ({_stars(c, 'new')}), {num(c['re_recognition'])} sản phẩm được công nhận lại và "
                  f"{num(c['upgrade'])} sản phẩm được nâng hạng. Số sản phẩm công nhận mới theo hạng sao, theo nhóm "
                  "sản phẩm" + ("" if figures.scope.national else ", theo xã, phường") +
                  " và danh sách từng sản phẩm tại các Phụ lục kèm theo."]},
        {"title": "Thu hồi, hết hạn giấy chứng nhận",
         "body": [f"Có {num(c['revocation'])} sản phẩm bị thu hồi giấy chứng nhận" + (f" ({grounds})" if grounds else "")
                  + f"; {num(c['expiration'])} giấy chứng nhận hết hiệu lực trong kỳ mà không được công nhận lại."]},
        {"title": "Đánh giá, phân hạng", "body": [evaluated]},
        {"title": "Giấy chứng nhận sắp hết hạn",
         "body": [f"Có {num(c['expiring'])} giấy chứng nhận còn hiệu lực đến ngày {short_date(figures.end)} sẽ hết "
                  f"hiệu lực trong {EXPIRING_MONTHS} tháng tiếp theo (từ ngày {next_window(figures)}); các chủ thể "
                  "cần chuẩn bị hồ sơ đánh giá lại ít nhất 30 ngày trước khi hết hạn."]},
    ]


def targets_body(figures: Figures) -> list[Any]:
    if not figures.plans:
        return [f"Sổ đăng ký không có Kế hoạch nào {_where(figures)} có thời kỳ trùng với kỳ báo cáo."]
    out: list[Any] = []
    for plan, rows in figures.plans:
        said = progress.summary(plan, rows, figures.end).text()  # the progress report's own summary line
        out.append(f"{plan_ref(plan)}: {said[:1].lower()}{said[1:]}")
        if rows:
            out.append({"items": [f"{_target(p)} Kế hoạch: {p.goal}; thực hiện: {_actual(p)} "
                                  f"({p.state_label.lower()})." for p in rows]})
    return out


def _target(p: Progress) -> str:
    """The target's text, and the year of an annual target's row."""
    return f"Năm {p.year}: {p.text}" if p.year else p.text


def source_body(figures: Figures, today: dt.date) -> list[str]:
    out = [f"Số liệu tổng hợp từ Sổ đăng ký OCOP ngày {short_date(today.isoformat())}: công nhận và thu hồi tính "
           "theo ngày ban hành quyết định; hết hạn tính theo ngày giấy chứng nhận hết hiệu lực (36 tháng kể từ ngày "
           "công nhận, không được công nhận lại hay thu hồi trước đó). Sản phẩm của các đơn vị hành chính cũ (trước "
           "ngày 01/7/2025) được tính vào tỉnh, thành phố và xã, phường hiện nay."]
    if figures.sample:
        out.append("Lưu ý: số liệu có hồ sơ mẫu (hư cấu) của Sổ đăng ký, chỉ dùng để minh họa, không phải số liệu "
                   "chính thức.")
    return out


def cumulative_body(figures: Figures) -> list[Any]:
    c = figures.counts()
    text = (f"Đến ngày {short_date(figures.end)}, {_where(figures)} có {num(c['in_force'])} sản phẩm OCOP còn hiệu "
            f"lực ({_stars(c, 'in_force')}) của {num(c['producers_in_force'])} chủ thể.")
    if figures.scope.national:
        text += (" Số liệu theo từng tỉnh, thành phố (các tỉnh cũ được tính vào tỉnh, thành phố sau sắp xếp năm 2025)"
                 " tại Phụ lục.")
    return [text]


def appendix(table: Table) -> dict[str, Any]:
    def cell(value: Any) -> str:
        return num(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value or "")

    rows = [{k: (v if k == "group" else cell(v)) for k, v in row.items()} for row in table.rows]
    return {"title": table.title, "columns": [{k: c[k] for k in ("key", "label", "width")} for c in table.columns],
            "rows": rows or [{"stt": "", "task": "Không có."}]}


def document_title(figures: Figures) -> str:
    return f"Kết quả thực hiện Chương trình mỗi xã một sản phẩm (OCOP) {figures.period.label} {_where(figures)}"


def document(figures: Figures, today: dt.date) -> dict[str, Any]:
    issuer = issuer_of(figures, today)
    scope = "toàn quốc" if figures.scope.national else _short_name(figures.scope.name)
    recipients = ([{"name": "Thủ tướng Chính phủ", "note": "để báo cáo"},
                   {"name": "Ban Chỉ đạo Trung ương các Chương trình mục tiêu quốc gia"},
                   {"name": "UBND các tỉnh, thành phố trực thuộc Trung ương"}]
                  if figures.scope.national else
                  [{"name": central.name if (central := central_body(today)) else "Bộ Nông nghiệp và Môi trường",
                    "note": "để báo cáo"},
                   {"name": "Văn phòng Điều phối nông thôn mới Trung ương"},
                   {"name": f"Chủ tịch, các Phó Chủ tịch UBND {scope}"},
                   {"name": "Sở Nông nghiệp và Môi trường"}])
    return {
        "id": base_name_of(figures), "document_type": "Báo cáo", "header": {"issuing": issuer.header},
        "issuer": {"level": issuer.level, "name": issuer.name}, "symbol": issuer.symbol, "place": issuer.place,
        "draft_month": {"month": today.month, "year": today.year},
        "title": document_title(figures),
        "sections": [
            {"title": "KẾT QUẢ THỰC HIỆN TRONG KỲ", "sections": results_body(figures)},
            {"title": "SỐ SẢN PHẨM OCOP LŨY KẾ", "body": cumulative_body(figures)},
            {"title": "SO VỚI CHỈ TIÊU KẾ HOẠCH", "body": targets_body(figures)},
            {"title": "NGUỒN SỐ LIỆU", "body": source_body(figures, today)},
        ],
        "recipients": recipients, "archive": "VT, VPĐP" if figures.scope.national else "VT",
        "signature": {"authority": issuer.authority, "position": issuer.position},
        "appendices": [appendix(t) for t in tables(figures)],
    }


def base_name_of(figures: Figures) -> str:
    return f"bao-cao-ocop-{figures.scope.slug or 'toan-quoc'}-{figures.period.key}"


# --- outputs ----------------------------------------------------------------------------------

def write(figures: Figures, out_dir: Path, formats: tuple[str, ...], today: dt.date) -> list[Path]:
    """The report as DOCX and PDF (the plans' renderers) and XLSX (the same tables), named after the scope
    and the period."""
    from ocop.publish.documents import periodic_xlsx

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    doc = document(figures, today) if {"docx", "pdf"} & set(formats) else None
    for fmt in formats:
        target = out_dir / f"{base_name_of(figures)}.{fmt}"
        if fmt == "xlsx":
            written.append(periodic_xlsx.write(tables(figures), target, figures.sample))
        else:
            written.append({"docx": render_docx, "pdf": render_pdf}[fmt](doc, target))
    return written


def summary_text(figures: Figures, today: dt.date) -> str:
    """What `ocop report` prints: the header, the sentences of the report, the table by province (national
    roll-up), the targets and the summary table."""
    issuer = issuer_of(figures, today)
    out = [f"{issuer.name.upper()} — BÁO CÁO (dự thảo, ký hiệu …/{issuer.symbol})", document_title(figures), ""]
    for section in results_body(figures):
        out.append(f"{section['title']}:")
        out.extend(f"  {line}" for line in section["body"])
    out.append("Lũy kế:")
    out.extend(f"  {line}" for line in cumulative_body(figures))
    out.extend(source_body(figures, today)[1:])
    if figures.scope.national:
        out.extend(["", *_table_lines(province_table(figures))])
    out.extend(["", "So với chỉ tiêu kế hoạch:"])
    for block in targets_body(figures):
        out.extend([f"  {block}"] if isinstance(block, str) else [f"    - {item}" for item in block["items"]])
    out.extend(["", *_table_lines(summary_table(figures))])
    return "\n".join(out) + "\n"


def _table_lines(table: Table) -> list[str]:
    out = [table.title]
    if not table.rows[0].get("group"):
        out.append("  " + " | ".join(c["label"] for c in table.columns[1:]))
    for row in table.rows:
        if row.get("group"):
            out.append(f"{row['group']}. {row['task']}")
            continue
        values = [num(row[c["key"]]) if isinstance(row.get(c["key"]), int | float) else str(row.get(c["key"]) or "")
                  for c in table.columns[2:]]
        out.append(f"  {row.get('stt', '')} {row['task']}: " + " | ".join(v for v in values if v))
    return out


def build_all(registry: Any, out_dir: Path, today: dt.date) -> tuple[list[Path], list[tuple[str, Exception]]]:
    """`ocop build`: last year's report of every province with products, and the national roll-up, in every
    format. Returns the files written and the scopes that failed (the others are still written)."""
    from ocop.publish.documents import periodic

    period = periodic.parse_period(str(today.year - 1))
    slugs = sorted({str(p.get("province")) for p in registry.all("product")} & registry.province_slugs())
    written: list[Path] = []
    failed: list[tuple[str, Exception]] = []
    for slug in [*slugs, "all"]:
        try:
            figures = periodic.compute(registry, periodic.scope_of(registry, slug)[0], period, today)
            written += write(figures, out_dir, periodic.FORMATS, today)
        except Exception as err:  # any renderer failure: reported by the build, never swallowed
            failed.append((slug, err))
    return written, failed
