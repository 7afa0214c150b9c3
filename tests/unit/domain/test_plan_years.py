"""Years in a plan's text: its own, stale ones, and citations of other documents."""

from __future__ import annotations

import pytest

from ocop.domain.plan_years import mentions, stale

PLAN_2025 = {"period": {"from": "2025-01-01", "to": "2025-12-31", "label": "năm 2025"}}


@pytest.mark.parametrize("text", [
    "Nghị định 98/2018/NĐ-CP ngày 12/4/2018 của Chính phủ",
    "Quyết định 919/QĐ-TTg năm 2022",
    "Quyết định số 490/QĐ-TTg ngày 07/5/2018 của Thủ tướng Chính phủ",
    "Quyết định số 148/QĐ-TTg ngày 24 tháng 02 năm 2023",
    "văn bản số 3494/VP-KT ngày 20/4/2021; Chương trình số 04-CTr/TU ngày 17/3/2021",
    "Quyết định số 2016/QĐ-UBND; 1.500 người; 20.020 triệu đồng",
])
def test_citations_and_numbers_are_not_stale(text: str) -> None:
    assert not list(stale({**PLAN_2025, "title": text}))


@pytest.mark.parametrize("text, years", [
    ("Thực hiện Chương trình OCOP năm 2024", [2024]),
    ("Đánh giá xong trước 30/10/2024; hoàn thành tháng 12/2024", [2024, 2024]),
    ("Kế hoạch giai đoạn 2021-2023", [2021, 2023]),  # a span that does not hold the plan's year
    ("theo Quyết định số 490/QĐ-TTg ngày 07/5/2018, tổ chức năm 2024", [2024]),
])
def test_own_years_outside_the_period_are_stale(text: str, years: list[int]) -> None:
    assert [m.year for _, _, m in stale({**PLAN_2025, "closing": text})] == years


def test_spans_holding_the_period_and_allowed_years_pass() -> None:
    plan = {**PLAN_2025, "closing": "Chương trình giai đoạn 2021-2025, định hướng đến năm 2030."}
    assert [m.year for _, _, m in stale(plan)] == [2030]
    assert not list(stale({**plan, "source_years": [2030]}))


def test_structured_parts_are_not_running_text() -> None:
    plan = {**PLAN_2025, "legal_bases": [{"date": "2018-05-07", "number": "490/QĐ-TTg"}], "notes": "bản năm 2019",
            "targets": [{"id": "a", "text": "Năm 2025 có 5 sản phẩm", "period": {"from": "2025-01-01"}}]}
    assert not list(stale(plan))
    assert [(m.year, m.cited) for m in mentions("số 52/2018/NĐ-CP; năm 2019")] == [(2019, False)]
