"""KH plans: their text against their own period (plans are rewritten each year from last year's)."""

from __future__ import annotations

from collections.abc import Iterator

from ocop.check.rules import Provinces
from ocop.domain.plan_years import period_years, snippet, stale
from ocop.findings import Finding, make, rule
from ocop.model.registry import Record

rule("PLAN-STALE-YEAR", "warning", "Kế hoạch nhắc một năm ngoài thời kỳ thực hiện",
     "Văn bản Kế hoạch (tiêu đề, mục, chỉ tiêu, nhiệm vụ, thời hạn…) ghi một năm nằm ngoài thời kỳ của Kế hoạch: "
     "thường là năm cũ sót lại khi chép từ Kế hoạch năm trước. Năm trong số hiệu và ngày của văn bản được trích "
     "dẫn (Nghị định 98/2018/NĐ-CP, Quyết định số 919/QĐ-TTg ngày 01/8/2022, … năm 2022) và giai đoạn chứa thời "
     "kỳ (giai đoạn 2021-2025) không bị báo.",
     example="period: {from: \"2025-01-01\", to: \"2025-12-31\", label: năm 2025}\n"
             "title: Thực hiện Chương trình OCOP năm 2024",
     fix="Sửa năm cho đúng thời kỳ; nếu chính văn bản nguồn nêu năm đó (giai đoạn trước, năm định hướng), ghi "
         "năm vào source_years.",
     fixed="period: {from: \"2025-01-01\", to: \"2025-12-31\", label: năm 2025}\n"
           "title: Thực hiện Chương trình OCOP năm 2025",
     family="plans", added_in="0.2.0")


def check_record(record: Record, provinces: Provinces) -> Iterator[Finding]:
    del provinces
    if record.kind != "plan" or not isinstance(record.data, dict):
        return
    years = period_years(record.data)
    period = f"năm {years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    for path, text, mention in stale(record.data):
        line, column = record.locate(*path)
        yield make("PLAN-STALE-YEAR", record.path, line, column,
                   f"«{'.'.join(map(str, path))}» ghi năm {mention.year}, ngoài thời kỳ {period} của Kế hoạch: "
                   f"«{snippet(text, mention)}».")
