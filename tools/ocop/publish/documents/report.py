"""Progress report outputs: text, Markdown, JSON, and an official-format DOCX (Báo cáo)."""

from __future__ import annotations

import json
from typing import Any

from ocop.publish.documents.plan import Plan, issuer_long_name, number_text, short_date
from ocop.publish.documents.progress import Progress


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}".replace(".", ",")


def _actual(p: Progress) -> str:
    return _num(p.actual) + ("%" if p.unit == "%" and p.actual is not None else "")


def plan_ref(plan: Plan) -> str:
    """'Kế hoạch số 146/KH-UBND ngày 14/6/2021', or the draft's symbol and month."""
    if plan.get("number") and plan.get("date"):
        return f"Kế hoạch số {number_text(plan)} ngày {short_date(plan['date'])}"
    draft = plan.get("draft_month") or {}
    return f"dự thảo Kế hoạch …/{plan['symbol']} tháng {draft.get('month', '…')}/{draft.get('year', '…')}"


def heading(plan: Plan, as_of: str) -> str:
    return (f"Tiến độ thực hiện {plan_ref(plan)} "
            f"({plan['issuer']['name']}, {plan['period']['label']}) tính đến ngày {short_date(as_of)}")


def as_text(plan: Plan, rows: list[Progress], as_of: str) -> str:
    out = [heading(plan, as_of), ""]
    for p in rows:
        out.append(f"- [{p.state_label}] {p.text}")
        out.append(f"  Chỉ tiêu: {p.goal}; thực hiện: {_actual(p)}; thời kỳ {short_date(p.period_from)}"
                   f" - {short_date(p.period_to)}" + (f"; cần đạt đến nay: {_num(p.expected)}" if p.expected else ""))
    if not rows:
        out.append("Kế hoạch không có chỉ tiêu đo được.")
    return "\n".join(out) + "\n"


def as_markdown(plan: Plan, rows: list[Progress], as_of: str) -> str:
    out = [f"### {heading(plan, as_of)}", "", "| Chỉ tiêu | Kế hoạch | Thực hiện | Cần đạt đến nay | Đánh giá |",
           "|---|---|---|---|---|"]
    for p in rows:
        text = p.text.replace("|", "\\|")
        out.append(f"| {text} | {p.goal} | {_actual(p)} | {_num(p.expected)} | {p.state_label} |")
    return "\n".join(out) + "\n"


def as_json(plan: Plan, rows: list[Progress], as_of: str) -> str:
    payload = {"plan": plan["id"], "as_of": as_of, "targets": [p.as_dict() for p in rows]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def report_document(plan: Plan, rows: list[Progress], as_of: str) -> dict[str, Any]:
    """A plan-shaped record for the renderers: a draft Báo cáo by the plan's issuer."""
    year, month, _ = as_of.split("-")
    symbol = "BC-" + plan["symbol"].split("-", 1)[1]
    reached = sum(p.state == "achieved" for p in rows)
    behind = sum(p.state == "behind" for p in rows)
    items = [f"{p.text} Kế hoạch: {p.goal}; thực hiện: {_actual(p)} ({p.state_label.lower()})." for p in rows]
    issuer = issuer_long_name(plan["issuer"]["name"])
    return {
        "id": f"bc-{plan['id']}", "document_type": "Báo cáo", "header": plan["header"], "issuer": plan["issuer"],
        "symbol": symbol, "place": plan["place"], "draft_month": {"month": int(month), "year": int(year)},
        "title": f"Tiến độ thực hiện {plan_ref(plan)} của {issuer} (tính đến ngày {short_date(as_of)})",
        "sections": [
            {"title": "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
             "body": [f"Số liệu lấy từ Sổ đăng ký OCOP, tính theo ngày quyết định công nhận trong thời kỳ của "
                      f"từng chỉ tiêu, gồm cả các đơn vị hành chính cũ đã sáp nhập vào địa bàn. Có {len(rows)} "
                      f"chỉ tiêu đo được: {reached} chỉ tiêu đạt, {behind} chỉ tiêu chậm tiến độ.",
                      *([{"items": items}] if items else [])]},
            {"title": "ĐỀ XUẤT",
             "body": ["Các cơ quan được giao nhiệm vụ tập trung thực hiện các chỉ tiêu chậm tiến độ; cập nhật đầy đủ "
                      "quyết định công nhận vào Sổ đăng ký để số liệu được tính."]},
        ],
        "recipients": [{"name": "Như phần phân công tại Kế hoạch"}], "archive": "VT",
        "signature": {"authority": plan["signature"]["authority"], "position": plan["signature"].get("position", "")},
        "appendices": [{
            "title": "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU ĐO ĐƯỢC",
            "columns": [{"key": "stt", "label": "STT", "width": 0.6}, {"key": "task", "label": "Chỉ tiêu", "width": 5},
                        {"key": "deadline", "label": "Thời kỳ", "width": 1.8},
                        {"key": "lead", "label": "Kế hoạch", "width": 1.4},
                        {"key": "partners", "label": "Thực hiện", "width": 1.2},
                        {"key": "result", "label": "Đánh giá", "width": 1.4}],
            "rows": [{"stt": str(i), "task": p.text, "deadline": f"{short_date(p.period_from)} - {short_date(p.period_to)}",
                      "lead": p.goal, "partners": _actual(p), "result": p.state_label}
                     for i, p in enumerate(rows, start=1)] or [{"stt": "", "task": "Không có chỉ tiêu đo được."}],
        }],
    }
