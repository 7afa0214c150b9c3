"""Progress report outputs: text, Markdown, JSON, and an official-format DOCX (Báo cáo).

Every output says the same things in the same order: the plan's state (running or ended), a warning when
the figures come from sample records, a summary line counted from the rows themselves, one row per target
(per year for an annual target), and the plan's tasks with lead agency, deadline and status.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ocop.model.labels import TASK_STATUSES
from ocop.publish.documents.plan import Plan, issuer_long_name, number_text, short_date
from ocop.publish.documents.progress import Data, Progress, plan_status, sample_records, summary
from ocop.report.markdown import cell


@dataclass(frozen=True)
class Task:
    stt: str
    text: str
    lead: str
    deadline: str
    status: str  # Vietnamese label, or "" for the officer to fill in


@dataclass(frozen=True)
class Context:
    """What a report says besides its rows: computed once, shared by every output."""

    plan: Plan
    rows: list[Progress]
    as_of: str
    samples: int

    @property
    def summary_line(self) -> str:
        return summary(self.rows).text()

    @property
    def status_line(self) -> str:
        return plan_status(self.plan, self.as_of)

    @property
    def sample_warning(self) -> str:
        if not self.samples:
            return ""
        return (f"Lưu ý: số liệu được tính từ {self.samples} hồ sơ mẫu (sample: true) của Sổ đăng ký, "
                "là dữ liệu minh họa, không phải số liệu chính thức.")

    @property
    def tasks(self) -> list[Task]:
        return plan_tasks(self.plan)


def context(plan: Plan, rows: list[Progress], as_of: str, data: Data | None = None) -> Context:
    return Context(plan, rows, as_of, sample_records(plan, data) if data is not None else 0)


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}".replace(".", ",")


def _actual(p: Progress) -> str:
    return _num(p.actual) + ("%" if p.unit == "%" and p.actual is not None else "")


def _expected(p: Progress) -> str:
    return "" if p.expected is None else _num(p.expected) + ("%" if p.unit == "%" else "")


def _period(p: Progress) -> str:
    span = f"{short_date(p.period_from)} - {short_date(p.period_to)}"
    return f"năm {p.year} ({span})" if p.year else span


# --- tasks ----------------------------------------------------------------------------------

def _duty_texts(blocks: list[Any]) -> list[str]:
    out = []
    for block in blocks or []:
        if isinstance(block, str):
            out.append(block)
        else:
            out.extend(item if isinstance(item, str) else item["text"] for item in block.get("items", []))
    return out


def plan_tasks(plan: Plan) -> list[Task]:
    """The appendix task rows (group rows left out); a plan without a task table lists its assignments."""
    rows = [r for a in plan.get("appendices", []) for r in a.get("rows", []) if not r.get("group")]
    if rows:
        return [Task(r.get("stt", ""), r["task"], r.get("lead", ""),
                     r.get("deadline") or (short_date(r["due"]) if r.get("due") else ""),
                     TASK_STATUSES.get(r.get("status", ""), "")) for r in rows]
    tasks = []
    for a in plan.get("assignments", []):
        tasks += [Task("", text, a["agency"], "", "") for text in _duty_texts(a.get("duties", []))]
    return [Task(str(i), t.text, t.lead, t.deadline, t.status) for i, t in enumerate(tasks, start=1)]


# --- outputs --------------------------------------------------------------------------------

def plan_ref(plan: Plan) -> str:
    """'Kế hoạch số 146/KH-UBND ngày 14/6/2021', or the draft's symbol and month."""
    if plan.get("number") and plan.get("date"):
        return f"Kế hoạch số {number_text(plan)} ngày {short_date(plan['date'])}"
    draft = plan.get("draft_month") or {}
    return f"dự thảo Kế hoạch …/{plan['symbol']} tháng {draft.get('month', '…')}/{draft.get('year', '…')}"


def heading(plan: Plan, as_of: str) -> str:
    return (f"Tiến độ thực hiện {plan_ref(plan)} "
            f"({plan['issuer']['name']}, {plan['period']['label']}) tính đến ngày {short_date(as_of)}")


def _preface(ctx: Context) -> list[str]:
    return [line for line in (ctx.status_line, ctx.sample_warning, ctx.summary_line) if line]


def as_text(plan: Plan, rows: list[Progress], as_of: str, data: Data | None = None) -> str:
    ctx = context(plan, rows, as_of, data)
    out = [heading(plan, as_of), "", *_preface(ctx), ""]
    for p in rows:
        out.append(f"- [{p.state_label}] {p.text}")
        out.append(f"  Chỉ tiêu: {p.goal}; thực hiện: {_actual(p)}; thời kỳ {_period(p)}"
                   + (f"; cần đạt đến nay: {_expected(p)}" if p.expected is not None else ""))
    out += ["", "Nhiệm vụ (đơn vị chủ trì; thời hạn; tình trạng):"]
    for t in ctx.tasks:
        number = f"{t.stt}." if t.stt.isdigit() else t.stt
        out.append(f"{number} {t.text} ({t.lead or '—'}; {t.deadline or '—'}; {t.status or '…'})")
    return "\n".join(out) + "\n"


def as_markdown(plan: Plan, rows: list[Progress], as_of: str, data: Data | None = None) -> str:
    ctx = context(plan, rows, as_of, data)
    out = [f"### {cell(heading(plan, as_of))}", "", *(cell(line) + "\n" for line in _preface(ctx)),
           "| Chỉ tiêu | Kế hoạch | Thời kỳ | Thực hiện | Cần đạt đến nay | Đánh giá |", "|---|---|---|---|---|---|"]
    for p in rows:
        out.append(f"| {cell(p.text)} | {cell(p.goal)} | {cell(_period(p))} | {cell(_actual(p))} | "
                   f"{cell(_expected(p))} | {cell(p.state_label)} |")
    out += ["", "#### Nhiệm vụ", "", "| STT | Nhiệm vụ | Chủ trì | Thời hạn | Tình trạng |", "|---|---|---|---|---|"]
    out += [f"| {cell(t.stt)} | {cell(t.text)} | {cell(t.lead)} | {cell(t.deadline)} | {cell(t.status)} |"
            for t in ctx.tasks]
    return "\n".join(out) + "\n"


def as_json(plan: Plan, rows: list[Progress], as_of: str, data: Data | None = None) -> str:
    ctx = context(plan, rows, as_of, data)
    payload = {"plan": plan["id"], "as_of": as_of, "status": ctx.status_line, "summary": ctx.summary_line,
               "sample_records": ctx.samples, "targets": [p.as_dict() for p in rows],
               "tasks": [asdict(t) for t in ctx.tasks]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


TARGET_COLUMNS = [{"key": "stt", "label": "STT", "width": 0.6}, {"key": "task", "label": "Chỉ tiêu", "width": 4.4},
                  {"key": "deadline", "label": "Thời kỳ", "width": 2},
                  {"key": "lead", "label": "Kế hoạch", "width": 1.4},
                  {"key": "partners", "label": "Thực hiện", "width": 1.1},
                  {"key": "expected", "label": "Cần đạt đến nay", "width": 1.1},
                  {"key": "result", "label": "Đánh giá", "width": 1.6}]
TASK_COLUMNS = [{"key": "stt", "label": "STT", "width": 0.6}, {"key": "task", "label": "Nhiệm vụ", "width": 5},
                {"key": "lead", "label": "Chủ trì", "width": 2}, {"key": "deadline", "label": "Thời hạn", "width": 1.6},
                {"key": "result", "label": "Tình trạng", "width": 1.8}]


def report_document(plan: Plan, rows: list[Progress], as_of: str, data: Data | None = None) -> dict[str, Any]:
    """A plan-shaped record for the renderers: a draft Báo cáo by the plan's issuer."""
    ctx = context(plan, rows, as_of, data)
    year, month, _ = as_of.split("-")
    symbol = "BC-" + plan["symbol"].split("-", 1)[1]
    items = [f"{p.text}{f' (năm {p.year})' if p.year else ''} Kế hoạch: {p.goal}; thực hiện: {_actual(p)} "
             f"({p.state_label.lower()})." for p in rows]
    issuer = issuer_long_name(plan["issuer"]["name"])
    signature = plan["signature"]
    return {
        "id": f"bc-{plan['id']}", "document_type": "Báo cáo", "header": plan["header"], "issuer": plan["issuer"],
        "symbol": symbol, "place": plan["place"], "draft_month": {"month": int(month), "year": int(year)},
        "title": f"Tiến độ thực hiện {plan_ref(plan)} của {issuer} (tính đến ngày {short_date(as_of)})",
        "sections": [
            {"title": "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
             "body": [f"Số liệu lấy từ Sổ đăng ký OCOP, tính theo ngày quyết định công nhận trong thời kỳ của "
                      f"từng chỉ tiêu, gồm cả các đơn vị hành chính cũ đã sáp nhập vào địa bàn. {ctx.status_line}",
                      *([ctx.sample_warning] if ctx.sample_warning else []), ctx.summary_line,
                      *([{"items": items}] if items else [])]},
            {"title": "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ",
             "body": [f"Kế hoạch giao {len(ctx.tasks)} nhiệm vụ (Phụ lục II); cột Tình trạng lấy từ Sổ đăng ký "
                      "khi đã ghi, còn trống thì đơn vị chủ trì điền."]},
            {"title": "ĐỀ XUẤT",
             "body": ["Các cơ quan được giao nhiệm vụ tập trung thực hiện các chỉ tiêu chưa đạt; cập nhật đầy đủ "
                      "quyết định công nhận vào Sổ đăng ký để số liệu được tính."]},
        ],
        "recipients": [{"name": "Như phần phân công tại Kế hoạch"}], "archive": "VT",
        "signature": {key: signature[key] for key in ("authority", "position") if key in signature},
        "appendices": [
            {"number": "I", "title": "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU ĐỊNH LƯỢNG", "columns": TARGET_COLUMNS,
             "rows": [{"stt": str(i), "task": p.text, "deadline": _period(p), "lead": p.goal,
                       "partners": _actual(p), "expected": _expected(p), "result": p.state_label}
                      for i, p in enumerate(rows, start=1)] or [{"stt": "", "task": "Không có chỉ tiêu định lượng."}]},
            {"number": "II", "title": "CÁC NHIỆM VỤ CỦA KẾ HOẠCH", "columns": TASK_COLUMNS,
             "rows": [{"stt": t.stt, "task": t.text, "lead": t.lead, "deadline": t.deadline, "result": t.status}
                      for t in ctx.tasks] or [{"stt": "", "task": "Kế hoạch không giao nhiệm vụ."}]},
        ],
    }
