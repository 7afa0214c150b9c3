"""Issuer authority by date: which level may recognise which star, and the central issuer's name.

The table is data (data/authority.yaml): the law changed in 2023 and 2025 and may change again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from ocop.check.rules import Context
from ocop.domain.authority import Period, central_name, verdict
from ocop.findings import Finding, make, rule
from ocop.model.registry import Record, Registry, as_list

LEVEL_VI = {"central": "trung ương (Bộ)", "province": "UBND cấp tỉnh", "district": "UBND cấp huyện"}

F = "authority"
rule("AUTH-LEVEL", "error", "Cấp ban hành không có thẩm quyền công nhận hạng sao này",
     "Cấp được công nhận từng hạng sao thay đổi theo ngày: từ 24/02/2023 huyện 3★, tỉnh 4★, Bộ 5★; "
     "từ 06/7/2025 tỉnh 3★ và 4★, Bộ 5★.",
     example="quyết định ngày 2025-09-01 của UBND huyện công nhận 3★ (cấp huyện không còn từ 01/7/2025)",
     fix="Kiểm tra cơ quan ban hành (issuer.level) và hạng sao; tách các hạng sao vào đúng quyết định.", family=F)
rule("AUTH-LEVEL-VARIED", "warning", "Thẩm quyền công nhận khác nhau giữa các địa phương (thời kỳ 1048)",
     "Trước 24/02/2023, việc công nhận 3★ do UBND cấp tỉnh hoặc (ở một số tỉnh) UBND cấp huyện: cần đối chiếu "
     "quy định của tỉnh lúc đó.",
     example="quyết định năm 2021 của UBND huyện Thanh Hà công nhận 3★",
     fix="Đối chiếu văn bản giao thẩm quyền của tỉnh; ghi căn cứ vào note của quyết định.", family=F)
rule("AUTH-CENTRAL-NAME", "warning", "Tên cơ quan trung ương không đúng thời điểm",
     "Cơ quan trung ương là Bộ Nông nghiệp và Phát triển nông thôn trước 01/3/2025 và Bộ Nông nghiệp và Môi "
     "trường từ ngày đó.",
     example='date: "2025-06-10", issuer.name: Bộ Nông nghiệp và Phát triển nông thôn',
     fix="Ghi tên cơ quan đúng như trên quyết định tại ngày ban hành.", family=F)
rule("DECISION-FUTURE", "error", "Quyết định ghi ngày trong tương lai",
     "Ngày ban hành quyết định không được sau ngày hôm nay: sổ đăng ký chỉ ghi văn bản đã ban hành.",
     example='date: "2031-01-01"', fix="Sửa ngày ban hành theo văn bản đã ký.", family=F)


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
        if decision.get("type") == "recognition":
            yield from _levels(decision, date, str(issuer.get("level")))


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
                       f"{LEVEL_VI.get(level, level)} công nhận {star}★ ngày {date}: thẩm quyền này khác nhau giữa các "
                       f"tỉnh trong thời kỳ {period.basis if period else '1048'}.",
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
