"""Issuer authority by date: which level may recognise which star, whether the issuer's level still
existed, and the central issuer's name.

The tables are data (data/authority.yaml): the law changed in 2023 and 2025 and may change again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from ocop.check.rules import Context, Provinces
from ocop.domain.authority import Period, Span, central_name, missing_level, verdict
from ocop.findings import Finding, make, rule
from ocop.model.registry import Record, Registry, as_list

LEVEL_VI = {"central": "trung ương (Bộ)", "province": "UBND cấp tỉnh", "district": "UBND cấp huyện"}

F = "authority"
rule("AUTH-LEVEL", "error", "Cấp ban hành không có thẩm quyền công nhận hạng sao này",
     "Cấp được công nhận từng hạng sao thay đổi theo ngày: từ 24/02/2023 đến 30/6/2025 huyện 3★, tỉnh 4★, Bộ 5★; "
     "từ 06/7/2025 tỉnh 3★ và 4★, Bộ 5★ (bảng có ngày trong domain/data/authority.yaml).",
     example="quyết định ngày 2024-08-20 của UBND tỉnh công nhận 3★ (thời kỳ 148/QĐ-TTg: 3★ do UBND cấp huyện)",
     fix="Kiểm tra cơ quan ban hành (issuer.level) và hạng sao; tách các hạng sao vào đúng quyết định.", family=F,
     fixed="quyết định ngày 2024-08-20 của UBND huyện công nhận 3★; 4★ trong quyết định riêng của UBND tỉnh")
rule("AUTH-LEVEL-VARIED", "warning", "Thẩm quyền công nhận cần đối chiếu văn bản của địa phương",
     "Trước 24/02/2023, việc công nhận 3★ do UBND cấp tỉnh hoặc (ở một số tỉnh) UBND cấp huyện; từ 01/7/2025 đến "
     "05/7/2025 không còn cấp huyện và 1489/QĐ-TTg chưa giao 3★ cho cấp tỉnh: cần đối chiếu quy định của tỉnh lúc đó.",
     example="quyết định năm 2021 của UBND huyện Thanh Hà công nhận 3★",
     fix="Đối chiếu văn bản giao thẩm quyền của tỉnh; ghi căn cứ vào note của quyết định.", family=F,
     fixed="quyết định năm 2021 của UBND huyện Thanh Hà công nhận 3★, note: \"Theo Quyết định … của UBND tỉnh "
           "giao UBND cấp huyện công nhận sản phẩm 3 sao\" (người duyệt đã đối chiếu)")
rule("AUTH-ISSUER-DATE", "error", "Cơ quan ban hành không còn tồn tại vào ngày ban hành",
     "Cấp của cơ quan ban hành (issuer.level) phải tồn tại vào ngày của quyết định: cấp huyện kết thúc hoạt động "
     "từ 01/7/2025 (Nghị quyết 203/2025/QH15), nên quyết định của UBND cấp huyện từ ngày đó là sai ngày hoặc sai "
     "cơ quan. Thời hạn của mỗi cấp là dữ liệu có dẫn nguồn (domain/data/authority.yaml).",
     example='date: "2025-07-02"\nissuer: {level: district, name: UBND huyện Thanh Hà}',
     fix="Sửa ngày ban hành hoặc cơ quan ban hành theo văn bản đã ký (sau 30/6/2025 là UBND cấp tỉnh).",
     family=F, added_in="0.2.0",
     fixed='date: "2025-07-02"\nissuer: {level: province, name: UBND thành phố Hải Phòng, '
           'unit: {level: province, code: "31", version: "2025"}}')
rule("AUTH-CENTRAL-NAME", "warning", "Tên cơ quan trung ương không đúng thời điểm",
     "Cơ quan trung ương là Bộ Nông nghiệp và Phát triển nông thôn trước 01/3/2025 và Bộ Nông nghiệp và Môi "
     "trường từ ngày đó.",
     example='date: "2025-06-10", issuer.name: Bộ Nông nghiệp và Phát triển nông thôn',
     fix="Ghi tên cơ quan đúng như trên quyết định tại ngày ban hành.", family=F, fixed="date: \"2025-06-10\", issuer.name: Bộ Nông nghiệp và Môi trường")
rule("DECISION-FUTURE", "error", "Quyết định ghi ngày trong tương lai",
     "Ngày ban hành quyết định không được sau ngày hôm nay: sổ đăng ký chỉ ghi văn bản đã ban hành.",
     example='date: "2031-01-01"', fix="Sửa ngày ban hành theo văn bản đã ký.", family=F, fixed="date: \"2024-03-01\"  (ngày đã ký ban hành)")


def check_record(record: Record, provinces: Provinces) -> Iterator[Finding]:
    """A decision's issuer level existed on its date (needs only the record: per file, cached)."""
    del provinces
    if record.kind != "decision":
        return
    level, date = _issuer_level(record), record.get("date")
    span = missing_level(level, date) if level and isinstance(date, str) else None
    if span is None:
        return
    line, column = record.locate("issuer", "level")
    yield make("AUTH-ISSUER-DATE", record.path, line, column,
               f"Quyết định ngày {date} ghi cơ quan {LEVEL_VI.get(level, level)}, nhưng cấp này "
               f"{_span_vi(span)} ({span.basis}).",
               "Sửa ngày ban hành hoặc cơ quan ban hành (issuer) theo văn bản đã ký.")


def _issuer_level(record: Record) -> str | None:
    issuer = record.get("issuer")
    level = issuer.get("level") if isinstance(issuer, dict) else None
    return level if isinstance(level, str) else None


def _span_vi(span: Span) -> str:
    if span.end is not None:
        return f"chỉ tồn tại đến hết ngày {span.end}"
    return f"chỉ có từ ngày {span.start}"


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    for decision in registry.all("decision"):
        date = decision.get("date")
        issuer = decision.get("issuer")
        if not isinstance(date, str) or not isinstance(issuer, dict):
            continue
        if date > ctx.today:
            line, column = decision.locate("date")
            yield make("DECISION-FUTURE", decision.path, line, column,
                       f"Quyết định ghi ngày {date}, sau ngày hôm nay ({ctx.today}).",
                       "Sửa ngày ban hành theo văn bản đã ký; chỉ thêm quyết định sau khi đã ban hành.")
        if issuer.get("level") == "central":
            yield from _central_name(decision, date, issuer)
        level = str(issuer.get("level"))
        # an issuer that no longer existed is one finding (AUTH-ISSUER-DATE), not one per entry
        if decision.get("type") == "recognition" and missing_level(level, date) is None:
            yield from _levels(decision, date, level)


def _levels(decision: Record, date: str, level: str) -> Iterator[Finding]:
    for i, entry in enumerate(as_list(decision.get("entries"))):
        star = entry.get("star") if isinstance(entry, dict) else None
        if not isinstance(star, int):
            continue
        outcome, period = verdict(level, star, date)
        if outcome == "ok":
            continue
        line, column = decision.locate("entries", i, "star")
        allowed = _allowed(period, star)
        if outcome == "warning":
            yield make("AUTH-LEVEL-VARIED", decision.path, line, column,
                       f"{LEVEL_VI.get(level, level)} công nhận {star}★ ngày {date}: thẩm quyền này cần đối chiếu "
                       f"quy định của tỉnh trong thời kỳ {period.basis if period else '1048'}."
                       + (f" {period.note}" if period and period.note else ""),
                       "Đối chiếu văn bản giao thẩm quyền của tỉnh lúc đó và ghi căn cứ vào trường note của quyết định.")
        else:
            yield make("AUTH-LEVEL", decision.path, line, column,
                       f"{LEVEL_VI.get(level, level)} không có thẩm quyền công nhận {star}★ vào ngày {date}"
                       + (f" (theo {period.basis}: {allowed})." if period else "."),
                       "Kiểm tra issuer.level và hạng sao; mục này phải thuộc quyết định của cấp có thẩm quyền.")


def _allowed(period: Period | None, star: int) -> str:
    if period is None:
        return ""
    levels = [LEVEL_VI.get(lv, lv) for lv, v in period.stars.get(star, {}).items() if v in ("ok", "warning")]
    return f"{star}★ do {' hoặc '.join(levels)} công nhận" if levels else f"không cấp nào công nhận {star}★"


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _central_name(decision: Record, date: str, issuer: dict) -> Iterator[Finding]:
    expected = central_name(date)
    name = issuer.get("name")
    if expected is None or not isinstance(name, str):
        return
    if _norm(name) in {_norm(n) for n in (expected.name, *expected.aliases)}:
        return
    line, column = decision.locate("issuer", "name")
    yield make("AUTH-CENTRAL-NAME", decision.path, line, column,
               f"Ngày {date} cơ quan trung ương là «{expected.name}», quyết định ghi «{name}».",
               f"Ghi issuer.name: {expected.name} (tên tại ngày ban hành).")
